using Collectives.Schedules;

namespace Collectives.Optical.Routing;

/// <summary>
/// Routing on any configuration: a breadth-first search from each source of the pattern, each
/// flow on its first shortest path. It costs what the sources can reach, so it is cheap on
/// matchings (a node reaches its partners only) and the fallback for a configuration a user
/// installed by hand.
/// </summary>
internal sealed class GeneralRouteTable : RouteTable
{
    private readonly CircuitAdjacency _adjacency;

    public GeneralRouteTable(CircuitAdjacency adjacency) => _adjacency = adjacency;

    public override PatternLoad Load(FlowPattern pattern)
    {
        int nodes = _adjacency.Nodes;
        var parentEdge = new int[nodes];
        var parentNode = new int[nodes];
        var visitedBy = new int[nodes];
        var hops = new int[nodes];
        Array.Fill(visitedBy, -1);
        var loads = new Dictionary<int, long>();
        var queue = new Queue<int>();
        int maxHops = 0;
        foreach (IGrouping<int, Flow> fromOneSource in pattern.Flows.ToArray().GroupBy(f => f.From))
        {
            int source = fromOneSource.Key;
            visitedBy[source] = source;
            hops[source] = 0;
            queue.Enqueue(source);
            while (queue.Count > 0)
            {
                int node = queue.Dequeue();
                (int start, int end) = _adjacency.EdgesOf(node);
                for (int edge = start; edge < end; edge++)
                {
                    int next = _adjacency.Neighbor(edge);
                    if (visitedBy[next] != source)
                    {
                        visitedBy[next] = source;
                        parentEdge[next] = edge;
                        parentNode[next] = node;
                        hops[next] = hops[node] + 1;
                        queue.Enqueue(next);
                    }
                }
            }
            foreach (Flow flow in fromOneSource)
            {
                if (visitedBy[flow.To] != source)
                {
                    return PatternLoad.Unreachable;
                }
                maxHops = Math.Max(maxHops, hops[flow.To]);
                for (int node = flow.To; node != source; node = parentNode[node])
                {
                    loads[parentEdge[node]] = loads.GetValueOrDefault(parentEdge[node]) + 1;
                }
            }
        }
        double congestion = 0;
        foreach ((int edge, long load) in loads)
        {
            congestion = Math.Max(congestion, (double)load / _adjacency.Multiplicity(edge));
        }
        return new PatternLoad(congestion, maxHops);
    }
}
