using Collectives.Optical.Circuits;
using Collectives.Schedules;

namespace Collectives.Optical.Routing;

/// <summary>
/// Where a step's flows go on a configuration and how much they crowd its circuits. A flow with
/// a circuit of its own (or several in parallel) goes direct; the others take a shortest path
/// through relaying nodes. Tables are built once per configuration and results kept per
/// (configuration, pattern), so a planner may ask about every step on every candidate.
/// </summary>
public sealed class CircuitRouter
{
    private readonly Dictionary<CircuitConfiguration, (CircuitAdjacency Adjacency, RouteTable? Table)> _graphs =
        new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<(CircuitConfiguration, FlowPattern), PatternLoad> _loads = [];

    public PatternLoad Load(CircuitConfiguration configuration, FlowPattern pattern)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(pattern);
        if (pattern.Nodes != configuration.Nodes)
        {
            throw new ArgumentException($"Pattern '{pattern.Name}' is for {pattern.Nodes} nodes, configuration '{configuration.Name}' for {configuration.Nodes}.");
        }
        if (_loads.TryGetValue((configuration, pattern), out PatternLoad known))
        {
            return known;
        }
        if (!_graphs.TryGetValue(configuration, out var graph))
        {
            graph = (new CircuitAdjacency(configuration), null);
        }
        PatternLoad load = Direct(graph.Adjacency, pattern) ?? LoadOnPaths(configuration, ref graph, pattern);
        _graphs[configuration] = graph;
        _loads[(configuration, pattern)] = load;
        return load;
    }

    private static PatternLoad LoadOnPaths(CircuitConfiguration configuration, ref (CircuitAdjacency Adjacency, RouteTable? Table) graph,
        FlowPattern pattern)
    {
        graph.Table ??= RouteTable.For(configuration, graph.Adjacency);
        return graph.Table.Load(pattern);
    }

    // Every flow has a circuit of its own: one hop, and the crowding is the flows per circuit. Null when some flow must be relayed.
    private static PatternLoad? Direct(CircuitAdjacency adjacency, FlowPattern pattern)
    {
        var flowsPerEdge = new Dictionary<int, int>();
        foreach (Flow flow in pattern.Flows)
        {
            int edge = adjacency.EdgeBetween(flow.From, flow.To);
            if (edge < 0)
            {
                return null;
            }
            flowsPerEdge[edge] = flowsPerEdge.GetValueOrDefault(edge) + 1;
        }
        double congestion = 0;
        foreach ((int edge, int flows) in flowsPerEdge)
        {
            congestion = Math.Max(congestion, (double)flows / adjacency.Multiplicity(edge));
        }
        return new PatternLoad(congestion, pattern.Flows.IsEmpty ? 0 : 1);
    }
}
