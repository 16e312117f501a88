using System.Globalization;

namespace Collectives.Schedules;

/// <summary>
/// Which nodes send to which in one step. Every step that moves data the same way shares one
/// pattern (the 2(n−1) steps of a ring share one; halving and doubling share each exchange), so a
/// model that routes a pattern on a network does it once and keys its cache on the instance.
/// </summary>
public sealed class FlowPattern
{
    private readonly Flow[] _flows;

    /// <exception cref="ArgumentException">A flow names a node outside 0..<paramref name="nodes"/>−1 or sends to itself.</exception>
    public FlowPattern(string name, int nodes, IEnumerable<Flow> flows)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(flows);
        ArgumentOutOfRangeException.ThrowIfLessThan(nodes, 1);
        _flows = flows.ToArray();
        foreach (Flow flow in _flows)
        {
            if ((uint)flow.From >= (uint)nodes || (uint)flow.To >= (uint)nodes || flow.From == flow.To)
            {
                throw new ArgumentException($"Pattern '{name}' has a flow {flow.From} → {flow.To}, which is not between two of its {nodes} nodes.", nameof(flows));
            }
        }
        Name = name;
        Nodes = nodes;
    }

    /// <summary>"shift +1", "xor 8": for plans and explain output.</summary>
    public string Name { get; }

    public int Nodes { get; }

    public ReadOnlySpan<Flow> Flows => _flows;

    /// <summary>Every node sends to the node <paramref name="stride"/> further round (mod n): one step of a ring.</summary>
    public static FlowPattern Shift(int nodes, int stride) => Shifts(nodes, [stride]);

    /// <summary>Every node sends once along each stride: one step of several rings running side by side.</summary>
    public static FlowPattern Shifts(int nodes, IReadOnlyList<int> strides)
    {
        ArgumentNullException.ThrowIfNull(strides);
        var flows = new Flow[nodes * strides.Count];
        int i = 0;
        foreach (int stride in strides)
        {
            for (int node = 0; node < nodes; node++)
            {
                flows[i++] = new Flow(node, (int)(((long)node + stride) % nodes));
            }
        }
        string name = "shift " + string.Join(",", strides.Select(s => "+" + s.ToString(CultureInfo.InvariantCulture)));
        return new FlowPattern(name, nodes, flows);
    }
}
