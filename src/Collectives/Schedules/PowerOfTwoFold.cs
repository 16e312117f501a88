using System.Globalization;

namespace Collectives.Schedules;

/// <summary>
/// The exchanges of recursive halving and doubling on n nodes, n not always a power of two: the
/// largest power of two p ≤ n take part; the n − p extra nodes first hand their data to a
/// partner (node 2i to 2i+1 for i &lt; n − p) and get the result back at the end, as the
/// library's own algorithms do (PowerOfTwoFold). Exchange patterns are built once per mask so
/// that halving and doubling share them.
/// </summary>
public sealed class PowerOfTwoFold
{
    private readonly Dictionary<int, FlowPattern> _exchanges = [];

    public PowerOfTwoFold(int nodes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nodes, 1);
        Nodes = nodes;
        Active = 1 << (31 - int.LeadingZeroCount(nodes));
        Extra = nodes - Active;
        if (Extra > 0)
        {
            Fold = new FlowPattern("fold", nodes, Enumerable.Range(0, Extra).Select(i => new Flow(2 * i, (2 * i) + 1)));
            Unfold = new FlowPattern("unfold", nodes, Enumerable.Range(0, Extra).Select(i => new Flow((2 * i) + 1, 2 * i)));
        }
    }

    public int Nodes { get; }

    /// <summary>The power of two that exchanges (p).</summary>
    public int Active { get; }

    /// <summary>Nodes folded into a partner before the exchanges (n − p).</summary>
    public int Extra { get; }

    /// <summary>log2 p: the number of exchanges in one sweep of masks.</summary>
    public int Rounds => 31 - int.LeadingZeroCount(Active);

    /// <summary>The extras' hand-over before the exchanges, or null when n is a power of two.</summary>
    public FlowPattern? Fold { get; }

    /// <summary>The result going back to the extras, or null when n is a power of two.</summary>
    public FlowPattern? Unfold { get; }

    /// <summary>Every active node swaps with the one across bit <paramref name="mask"/> of its virtual rank.</summary>
    public FlowPattern Exchange(int mask)
    {
        if (mask <= 0 || mask >= Active || (mask & (mask - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(mask), mask, $"An exchange mask is a power of two below {Active}.");
        }
        if (!_exchanges.TryGetValue(mask, out FlowPattern? pattern))
        {
            var flows = new Flow[Active];
            for (int v = 0; v < Active; v++)
            {
                flows[v] = new Flow(Real(v), Real(v ^ mask));
            }
            pattern = new FlowPattern("xor " + mask.ToString(CultureInfo.InvariantCulture), Nodes, flows);
            _exchanges[mask] = pattern;
        }
        return pattern;
    }

    /// <summary>
    /// <paramref name="exchanges"/> with the extras' hand-over of <paramref name="bytes"/> before
    /// them (reduced by the partner) and the result's way back after, when there are extras.
    /// </summary>
    public IReadOnlyList<CommunicationStep> AroundFold(long bytes, IEnumerable<CommunicationStep> exchanges)
    {
        ArgumentNullException.ThrowIfNull(exchanges);
        var steps = new List<CommunicationStep>();
        if (Fold is { } handOver)
        {
            steps.Add(new CommunicationStep(handOver, bytes, bytes));
        }
        steps.AddRange(exchanges);
        if (Unfold is { } handBack)
        {
            steps.Add(new CommunicationStep(handBack, bytes, 0));
        }
        return steps;
    }

    /// <summary>The node that plays virtual rank <paramref name="virtualRank"/>: the odd partner of a folded pair, or a node past them.</summary>
    public int Real(int virtualRank) => virtualRank < Extra ? (2 * virtualRank) + 1 : virtualRank + Extra;
}
