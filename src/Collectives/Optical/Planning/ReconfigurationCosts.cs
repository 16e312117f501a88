using Collectives.Optical.Circuits;
using Collectives.Optical.Fabric;

namespace Collectives.Optical.Planning;

/// <summary>
/// What changing between two configurations costs on one fabric, worked out once per pair: a
/// planner asks for every pair of candidates, and a sweep over sizes asks again for the same ones.
/// </summary>
public sealed class ReconfigurationCosts
{
    private readonly Dictionary<(CircuitConfiguration, CircuitConfiguration), ReconfigurationCost> _known = [];

    public ReconfigurationCosts(CircuitFabric fabric, bool p99)
    {
        ArgumentNullException.ThrowIfNull(fabric);
        Fabric = fabric;
        P99 = p99;
    }

    public CircuitFabric Fabric { get; }

    public bool P99 { get; }

    public ReconfigurationCost Between(CircuitConfiguration from, CircuitConfiguration to)
    {
        if (!_known.TryGetValue((from, to), out ReconfigurationCost cost))
        {
            cost = Fabric.Reconfiguration(from, to, P99);
            _known[(from, to)] = cost;
        }
        return cost;
    }
}
