using Collectives.Optical.Circuits;
using Collectives.Optical.Fabric;
using Collectives.Optical.Planning;

namespace Collectives.Transport.Circuits;

/// <summary>
/// Emulated circuits for one job's links in this process: the fabric and plan the spec
/// describes, the clock frames are paced by, and one <see cref="EmulatedCircuitNode"/> per local
/// endpoint, which every link of that endpoint shares (a process of a launched job has one, a
/// local group one per rank). <see cref="Wrap"/> is what a <see cref="LinkDecoratingTransport"/>
/// (or <see cref="LinkDecoratingProvider"/>) calls on every link; one emulation serves all of a
/// process's transports, so a node's circuits are one whichever transport reaches a peer.
/// </summary>
public sealed class CircuitEmulation
{
    private readonly Dictionary<int, EmulatedCircuitNode> _nodes = [];

    /// <exception cref="ArgumentException">The spec cannot emulate <paramref name="nodes"/> ranks; the message says why.</exception>
    public CircuitEmulation(CircuitSpec spec, int nodes, ICircuitClock? clock = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentOutOfRangeException.ThrowIfLessThan(nodes, 1);
        Spec = spec;
        Fabric = spec.BuildFabric(nodes);
        Plans = spec.Plans(Fabric);
        Clock = clock ?? SystemCircuitClock.Shared;
    }

    public CircuitSpec Spec { get; }

    public CircuitFabric Fabric { get; }

    /// <summary>Every configuration of the plan, in plan order.</summary>
    public IReadOnlyList<CircuitConfiguration> Plan => Plans.All;

    /// <summary>The plan's configurations and which of them each algorithm's frames may use.</summary>
    public CircuitPlanConfigurations Plans { get; }

    public ICircuitClock Clock { get; }

    /// <summary>The node of <paramref name="endpoint"/> (a job-wide rank), made on first use.</summary>
    public EmulatedCircuitNode NodeOf(int endpoint)
    {
        lock (_nodes)
        {
            if (!_nodes.TryGetValue(endpoint, out EmulatedCircuitNode? node))
            {
                node = new EmulatedCircuitNode(new CircuitSwitchSchedule(Fabric, Plans, endpoint), Fabric.Switch.MinimumHold.Value);
                _nodes[endpoint] = node;
            }
            return node;
        }
    }

    /// <summary><paramref name="link"/> behind emulated circuits, or the link itself when the job is one rank.</summary>
    public IPeerLink Wrap(IPeerLink link, LinkKey key) =>
        Fabric.Nodes < 2 ? link : new CircuitEmulatingLink(link, key, NodeOf(key.LocalEndpoint), this);
}
