using Collectives.Schedules;

namespace Collectives.Optical.Routing;

/// <summary>
/// Routing on rings: every plane carries a full shift i → i + s. A breadth-first search over
/// offsets from node 0 gives each offset its fewest hops and how many of them go along each
/// stride; a flow from a to b takes the hops for offset b − a, stride by stride. Each stride's
/// hops are a run of consecutive circuits on that stride's cycles, so a flow adds two marks to a
/// difference array and the loads come out in one pass: O(flows × strides + nodes × strides)
/// per pattern, even for 16,384 nodes.
/// </summary>
internal sealed class CirculantRouteTable : RouteTable
{
    private readonly int _nodes;
    private readonly int[] _strides;
    private readonly int[] _multiplicity;
    private readonly int[] _hops;
    private readonly int[] _hopsPerStride;
    private readonly StrideOrbit[] _orbits;

    public CirculantRouteTable(int nodes, IReadOnlyList<int> stridePerPlane)
    {
        _nodes = nodes;
        (_strides, _multiplicity) = Generators(stridePerPlane);
        int k = _strides.Length;
        _hopsPerStride = new int[nodes * k];
        // An offset reached along stride j takes its parent's hops per stride, plus one along j.
        _hops = SearchFromZero(nodes, k, (offset, j) => (int)(((long)offset + _strides[j]) % nodes), (next, offset, j) =>
        {
            Array.Copy(_hopsPerStride, offset * k, _hopsPerStride, next * k, k);
            _hopsPerStride[(next * k) + j]++;
        });
        _orbits = _strides.Select(s => new StrideOrbit(nodes, s)).ToArray();
    }

    public override PatternLoad Load(FlowPattern pattern)
    {
        int k = _strides.Length;
        var marks = _orbits.Select(o => new long[o.Length]).ToArray();
        int maxHops = 0;
        foreach (Flow flow in pattern.Flows)
        {
            int offset = ((flow.To - flow.From) % _nodes + _nodes) % _nodes;
            if (_hops[offset] < 0)
            {
                return PatternLoad.Unreachable;
            }
            maxHops = Math.Max(maxHops, _hops[offset]);
            int node = flow.From;
            for (int j = 0; j < k; j++)
            {
                int run = _hopsPerStride[(offset * k) + j];
                if (run > 0)
                {
                    _orbits[j].MarkRun(marks[j], node, run);
                    node = (int)((node + ((long)run * _strides[j])) % _nodes);
                }
            }
        }
        double congestion = 0;
        for (int j = 0; j < k; j++)
        {
            congestion = Math.Max(congestion, (double)_orbits[j].MaxLoad(marks[j]) / _multiplicity[j]);
        }
        return new PatternLoad(congestion, maxHops);
    }
}
