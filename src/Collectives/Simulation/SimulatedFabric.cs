using System.Globalization;
using Collectives.Optical.Fabric;

namespace Collectives.Simulation;

/// <summary>
/// A job's fabric as the simulator sees it: <see cref="Ranks"/> ranks, <see cref="RanksPerNode"/>
/// to a node joined by <see cref="IntraNode"/> (a ring inside each node), and nodes joined by an
/// electrical packet network, an optical circuit fabric, or both (a hybrid). Pure description.
/// </summary>
public sealed record SimulatedFabric
{
    public required int Ranks { get; init; }

    public int RanksPerNode { get; init; } = 1;

    /// <summary>The packet network between nodes, or null.</summary>
    public PacketFabric? Electrical { get; init; }

    /// <summary>The circuit fabric between nodes, or null.</summary>
    public CircuitFabric? Optical { get; init; }

    /// <summary>The links between ranks of one node, as a network of <see cref="RanksPerNode"/> nodes; needed when a node holds several ranks.</summary>
    public PacketFabric? IntraNode { get; init; }

    public int Nodes => Ranks / Math.Max(1, RanksPerNode);

    /// <summary>"electrical", "optical" or "hybrid".</summary>
    public string Kind => (Electrical, Optical) switch
    {
        (not null, not null) => "hybrid",
        (null, not null) => "optical",
        _ => "electrical",
    };

    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Ranks < 1 || RanksPerNode < 1 || Ranks % RanksPerNode != 0)
        {
            problems.Add($"{Ranks} ranks do not split into nodes of {RanksPerNode}");
            return problems;
        }
        if (Electrical is null && Optical is null && Nodes > 1)
        {
            problems.Add("nodes need an electrical network, an optical one, or both");
        }
        if (Electrical is { } electrical)
        {
            problems.AddRange(electrical.Problems().Select(p => "electrical: " + p));
            if (electrical.Nodes != Nodes)
            {
                problems.Add($"electrical: the network has {electrical.Nodes} nodes, the job {Nodes}");
            }
        }
        if (Optical is { } optical)
        {
            problems.AddRange(optical.Problems().Select(p => "optical: " + p));
            if (optical.Nodes != Nodes)
            {
                problems.Add($"optical: the fabric has {optical.Nodes} nodes, the job {Nodes}");
            }
        }
        if (RanksPerNode > 1)
        {
            if (IntraNode is null)
            {
                problems.Add("several ranks per node need the links inside a node");
            }
            else if (IntraNode.Nodes != RanksPerNode)
            {
                problems.Add($"the links inside a node join {IntraNode.Nodes} ranks, a node has {RanksPerNode}");
            }
        }
        return problems;
    }

    /// <summary>"1024 ranks, 8 per node, 128 nodes, optical: 4 ports of 50 GB/s per node on mems-ocs (1.2 ms median, 3 ms p99)".</summary>
    public string Describe()
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"{Ranks} ranks, {RanksPerNode} per node, {Nodes} nodes, {Kind}");
        var parts = new List<string>();
        if (Electrical is { } e)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"electrical {e.NicBandwidth / 1e9:0.##} GB/s NICs, ") +
                (e.IsFatTree ? string.Create(CultureInfo.InvariantCulture, $"fat-tree of {e.LeafSize}-node leaves at {e.Oversubscription:0.##}:1") : "full bisection"));
        }
        if (Optical is { } o)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture,
                $"optical {o.Degree} x {o.PortBandwidth / 1e9:0.##} GB/s ports on {o.Switch.Name} ({Seconds(o.Switch.ReconfigurationMedian.Value)} median, {Seconds(o.Switch.ReconfigurationP99.Value)} p99)"));
        }
        return parts.Count == 0 ? text : text + ": " + string.Join("; ", parts);
    }

    /// <summary>"3.84 ns", "20 us", "1.2 ms", "0.2 s": a time in the unit that reads best.</summary>
    public static string Seconds(double seconds) => seconds switch
    {
        0 => "0 s",
        < 1e-6 => string.Create(CultureInfo.InvariantCulture, $"{seconds * 1e9:0.###} ns"),
        < 1e-3 => string.Create(CultureInfo.InvariantCulture, $"{seconds * 1e6:0.###} us"),
        < 1 => string.Create(CultureInfo.InvariantCulture, $"{seconds * 1e3:0.###} ms"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{seconds:0.###} s"),
    };
}
