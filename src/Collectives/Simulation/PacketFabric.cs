using Collectives.Schedules;

namespace Collectives.Simulation;

/// <summary>
/// An electrical packet-switched network: every node has a NIC of <see cref="NicBandwidth"/>
/// bytes per second. With <see cref="LeafSize"/> 0 the nodes hang off one non-blocking switch
/// (full bisection); otherwise they sit <see cref="LeafSize"/> to a leaf switch of a two-tier
/// fat-tree whose uplinks carry 1/<see cref="Oversubscription"/> of what its nodes can send, so
/// traffic leaving a leaf shares them. A message costs <see cref="Alpha"/> to start and
/// <see cref="HopDelay"/> per switch it crosses (one inside a leaf, three across).
/// </summary>
public sealed record PacketFabric
{
    public required int Nodes { get; init; }

    public required double NicBandwidth { get; init; }

    public required double Alpha { get; init; }

    public double HopDelay { get; init; }

    /// <summary>Nodes per leaf switch; 0 for one non-blocking switch.</summary>
    public int LeafSize { get; init; }

    /// <summary>What a leaf's nodes can send over what its uplinks carry (1 = full bisection, 3 = 3:1).</summary>
    public double Oversubscription { get; init; } = 1;

    public bool IsFatTree => LeafSize > 0 && LeafSize < Nodes;

    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Nodes < 1)
        {
            problems.Add("an electrical network needs at least one node");
        }
        if (!double.IsFinite(NicBandwidth) || NicBandwidth <= 0)
        {
            problems.Add("NIC bandwidth must be positive");
        }
        if (!double.IsFinite(Alpha) || Alpha < 0 || !double.IsFinite(HopDelay) || HopDelay < 0)
        {
            problems.Add("alpha and hop delay are times: finite and not negative");
        }
        if (LeafSize < 0 || !double.IsFinite(Oversubscription) || Oversubscription < 1)
        {
            problems.Add("a leaf holds 0 or more nodes, and oversubscription is at least 1");
        }
        return problems;
    }

    /// <summary>
    /// The most flows sharing one NIC or one leaf's uplinks (in NIC-sized units), and the most
    /// switches a flow crosses, for the flows of <paramref name="pattern"/> all at once.
    /// </summary>
    public (double Congestion, int MaxSwitchHops) Load(FlowPattern pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var egress = new int[Nodes];
        var ingress = new int[Nodes];
        int leaves = IsFatTree ? (Nodes + LeafSize - 1) / LeafSize : 0;
        var up = new int[leaves];
        var down = new int[leaves];
        int hops = pattern.Flows.IsEmpty ? 0 : 1;
        foreach (Flow flow in pattern.Flows)
        {
            egress[flow.From]++;
            ingress[flow.To]++;
            if (IsFatTree && flow.From / LeafSize != flow.To / LeafSize)
            {
                up[flow.From / LeafSize]++;
                down[flow.To / LeafSize]++;
                hops = 3;
            }
        }
        double congestion = Math.Max(MaxOf(egress), MaxOf(ingress));
        if (IsFatTree)
        {
            double uplinkCapacity = LeafSize / Oversubscription;
            congestion = Math.Max(congestion, Math.Max(MaxOf(up), MaxOf(down)) / uplinkCapacity);
        }
        return (congestion, hops);
    }

    private static int MaxOf(int[] counts) => counts.Length == 0 ? 0 : counts.Max();
}
