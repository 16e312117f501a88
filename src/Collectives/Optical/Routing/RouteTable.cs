using Collectives.Optical.Circuits;
using Collectives.Schedules;

namespace Collectives.Optical.Routing;

/// <summary>
/// Shortest-path routing on one configuration, built once and asked for many patterns. The
/// configurations the planner proposes are Cayley graphs (every plane a full shift i → i + s,
/// or a full XOR i → i ^ m), where the path between two nodes depends only on their difference,
/// so one search from node 0 serves every flow; anything else is searched source by source.
/// </summary>
internal abstract class RouteTable
{
    public abstract PatternLoad Load(FlowPattern pattern);

    public static RouteTable For(CircuitConfiguration configuration, CircuitAdjacency adjacency)
    {
        int nodes = configuration.Nodes;
        var strides = new List<int>();
        var masks = new List<int>();
        bool shifts = true, xors = (nodes & (nodes - 1)) == 0;
        ReadOnlySpan<Circuit> circuits = configuration.Circuits;
        int start = 0;
        while (start < circuits.Length)
        {
            int plane = circuits[start].Plane, end = start;
            while (end < circuits.Length && circuits[end].Plane == plane)
            {
                end++;
            }
            ReadOnlySpan<Circuit> layer = circuits[start..end];
            shifts &= IsFullShift(layer, nodes, out int stride);
            xors &= IsFullXor(layer, nodes, out int mask);
            strides.Add(stride);
            masks.Add(mask);
            start = end;
        }
        if (strides.Count > 0 && shifts)
        {
            return new CirculantRouteTable(nodes, strides);
        }
        if (masks.Count > 0 && xors)
        {
            return new XorRouteTable(nodes, masks);
        }
        return new GeneralRouteTable(adjacency);
    }

    /// <summary>The distinct generators (strides or masks) of a Cayley configuration, ascending, and how many planes carry each.</summary>
    protected static (int[] Values, int[] Multiplicity) Generators(IReadOnlyList<int> perPlane)
    {
        int[] values = perPlane.Distinct().Order().ToArray();
        return (values, values.Select(v => perPlane.Count(p => p == v)).ToArray());
    }

    /// <summary>
    /// Breadth-first search from node 0: <paramref name="apply"/>(node, g) is where generator g
    /// leads, and <paramref name="reached"/>(next, from, g) runs once for each node as it is
    /// first reached. Returns the hops to every node, −1 where none leads.
    /// </summary>
    protected static int[] SearchFromZero(int nodes, int generators, Func<int, int, int> apply, Action<int, int, int> reached)
    {
        var hops = new int[nodes];
        Array.Fill(hops, -1);
        hops[0] = 0;
        var queue = new Queue<int>();
        queue.Enqueue(0);
        while (queue.Count > 0)
        {
            int node = queue.Dequeue();
            for (int g = 0; g < generators; g++)
            {
                int next = apply(node, g);
                if (hops[next] < 0)
                {
                    hops[next] = hops[node] + 1;
                    reached(next, node, g);
                    queue.Enqueue(next);
                }
            }
        }
        return hops;
    }

    // A layer sorted by source that sends every node to node + s.
    private static bool IsFullShift(ReadOnlySpan<Circuit> layer, int nodes, out int stride)
    {
        stride = 0;
        if (layer.Length != nodes)
        {
            return false;
        }
        stride = (layer[0].To - layer[0].From + nodes) % nodes;
        for (int i = 0; i < layer.Length; i++)
        {
            if (layer[i].From != i || (layer[i].To - i + nodes) % nodes != stride)
            {
                return false;
            }
        }
        return true;
    }

    private static bool IsFullXor(ReadOnlySpan<Circuit> layer, int nodes, out int mask)
    {
        mask = 0;
        if (layer.Length != nodes)
        {
            return false;
        }
        mask = layer[0].From ^ layer[0].To;
        for (int i = 0; i < layer.Length; i++)
        {
            if (layer[i].From != i || (layer[i].From ^ layer[i].To) != mask)
            {
                return false;
            }
        }
        return true;
    }
}
