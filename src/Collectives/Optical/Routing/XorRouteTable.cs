using Collectives.Schedules;

namespace Collectives.Optical.Routing;

/// <summary>
/// Routing on hypercube-like configurations: every plane carries a full XOR matching i → i ^ m
/// (n a power of two). The path from a to b depends only on a ^ b: a breadth-first search from
/// node 0 finds, for each reachable difference, the masks to apply, at most log2 n of them.
/// </summary>
internal sealed class XorRouteTable : RouteTable
{
    private readonly int _nodes;
    private readonly int[] _masks;
    private readonly int[] _multiplicity;
    private readonly int[] _hops;
    private readonly int[] _lastMask;

    public XorRouteTable(int nodes, IReadOnlyList<int> maskPerPlane)
    {
        _nodes = nodes;
        (_masks, _multiplicity) = Generators(maskPerPlane);
        _lastMask = new int[nodes];
        _hops = SearchFromZero(nodes, _masks.Length, (difference, j) => difference ^ _masks[j], (next, _, j) => _lastMask[next] = j);
    }

    public override PatternLoad Load(FlowPattern pattern)
    {
        var loads = new long[_nodes * _masks.Length];
        int maxHops = 0;
        foreach (Flow flow in pattern.Flows)
        {
            int difference = flow.From ^ flow.To;
            if (_hops[difference] < 0)
            {
                return PatternLoad.Unreachable;
            }
            maxHops = Math.Max(maxHops, _hops[difference]);
            // XOR commutes, so the masks of the search path, applied from the source in any order, reach the destination.
            int node = flow.From;
            while (difference != 0)
            {
                int j = _lastMask[difference];
                loads[(node * _masks.Length) + j]++;
                node ^= _masks[j];
                difference ^= _masks[j];
            }
        }
        double congestion = 0;
        for (int i = 0; i < loads.Length; i++)
        {
            congestion = Math.Max(congestion, (double)loads[i] / _multiplicity[i % _masks.Length]);
        }
        return new PatternLoad(congestion, maxHops);
    }
}
