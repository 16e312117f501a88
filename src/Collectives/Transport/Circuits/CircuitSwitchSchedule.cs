using System.Globalization;
using Collectives.Optical.Circuits;
using Collectives.Optical.Cost;
using Collectives.Optical.Fabric;
using Collectives.Optical.Routing;
using Collectives.Schedules;

namespace Collectives.Transport.Circuits;

/// <summary>
/// One node's view of the emulated switch: which configuration is lit, and where a frame to a
/// peer goes. Pure and deterministic: every node starts on the plan's first configuration and
/// changes only when it must (its peer is not reachable on the current one) to the next
/// configuration of the plan, in plan order, that reaches the peer. Collectives whose steps
/// follow the plan (a ring on a ring, halving-doubling on its matchings) therefore make every
/// node take the same configurations in the same order. A peer no plan configuration reaches
/// (a barrier's or all-to-all's odd pair on matchings) gets a configuration of its own: the
/// circuits between the two, which both ends work out alike.
/// <para>
/// A relayed flow moves at 1/hops of a port (on the relayed ring steps the model prices, a flow
/// across H circuits shares each with H − 1 others: TopoOpt's dilation); parallel circuits to
/// one peer add up. Not thread-safe: <see cref="EmulatedCircuitNode"/> holds the lock.
/// </para>
/// </summary>
public sealed class CircuitSwitchSchedule
{
    private readonly CircuitFabric _fabric;
    private readonly IReadOnlyList<CircuitConfiguration> _plan;
    private readonly CircuitRouter _router = new();
    private readonly Dictionary<(CircuitConfiguration, int), PatternLoad> _routes = [];
    private readonly Dictionary<int, CircuitConfiguration> _pairConfigurations = [];
    // The plan position the node came from: an off-plan pair configuration remembers where the plan stood.
    private int _planIndex;

    /// <param name="fabric">The emulated fabric (every rank builds the same one from the same spec).</param>
    /// <param name="plan">The configurations in plan order (<see cref="CircuitSpec.PlanConfigurations"/>).</param>
    /// <param name="node">This node (the job-wide rank).</param>
    public CircuitSwitchSchedule(CircuitFabric fabric, IReadOnlyList<CircuitConfiguration> plan, int node)
    {
        ArgumentNullException.ThrowIfNull(fabric);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentOutOfRangeException.ThrowIfNegative(node);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(node, fabric.Nodes);
        foreach (CircuitConfiguration configuration in plan)
        {
            IReadOnlyList<string> problems = ConfigurationFeasibility.Problems(configuration, fabric);
            if (problems.Count > 0)
            {
                throw new ArgumentException($"The circuit plan's configuration '{configuration.Name}' does not fit the fabric: {string.Join("; ", problems)}.", nameof(plan));
            }
        }
        _fabric = fabric;
        _plan = plan;
        Node = node;
        Current = plan.Count > 0 ? plan[0] : CircuitConfiguration.Empty(fabric.Nodes);
    }

    public int Node { get; }

    /// <summary>The configuration lit now, as this node sees it.</summary>
    public CircuitConfiguration Current { get; private set; }

    /// <summary>Changes this node has made so far.</summary>
    public long Changes { get; private set; }

    /// <summary>Where a frame to <paramref name="peer"/> goes now, and whether the switch must change first. Does not change anything.</summary>
    public CircuitDecision Decide(int peer)
    {
        if (peer == Node || (uint)peer >= (uint)_fabric.Nodes)
        {
            throw new ArgumentOutOfRangeException(nameof(peer), peer, string.Create(CultureInfo.InvariantCulture,
                $"Node {Node} of an emulated {_fabric.Nodes}-node circuit fabric has no peer {peer}."));
        }
        if (RouteOn(Current, peer) is { } here)
        {
            return new CircuitDecision(here, false, 0);
        }
        for (int step = 1; step <= _plan.Count; step++)
        {
            CircuitConfiguration next = _plan[(_planIndex + step) % _plan.Count];
            if (RouteOn(next, peer) is { } there)
            {
                return Change(there);
            }
        }
        return Change(RouteOn(PairConfiguration(peer), peer)!.Value);
    }

    /// <summary>Lights <paramref name="decision"/>'s configuration (a no-op when it does not change anything).</summary>
    public void Apply(CircuitDecision decision)
    {
        if (!decision.Changes)
        {
            return;
        }
        CircuitConfiguration next = decision.Route.Configuration;
        for (int i = 0; i < _plan.Count; i++)
        {
            if (ReferenceEquals(_plan[i], next))
            {
                _planIndex = i;
                break;
            }
        }
        Current = next;
        Changes++;
    }

    private CircuitDecision Change(CircuitRoute route)
    {
        ReconfigurationCost cost = _fabric.Reconfiguration(Current, route.Configuration, p99: false);
        // Emulated circuits belong to this job alone (no other tenants), so a change is always allowed.
        return new CircuitDecision(route, cost.Changes, cost.Changes ? cost.Seconds : 0);
    }

    private CircuitRoute? RouteOn(CircuitConfiguration configuration, int peer)
    {
        if (!_routes.TryGetValue((configuration, peer), out PatternLoad load))
        {
            var flow = new FlowPattern(string.Create(CultureInfo.InvariantCulture, $"{Node} to {peer}"), _fabric.Nodes, [new Flow(Node, peer)]);
            load = _router.Load(configuration, flow);
            _routes[(configuration, peer)] = load;
        }
        if (!load.IsReachable)
        {
            return null;
        }
        int hops = load.MaxHops;
        // Alone, a flow's congestion is 1/k for k parallel circuits; relayed, it shares each circuit with hops − 1 others (dilation).
        double secondsPerByte = load.Congestion * hops / _fabric.PortBandwidth;
        double latency = (hops * _fabric.PropagationPerHop) + (Math.Max(0, hops - 1) * _fabric.HostForwarding);
        return new CircuitRoute(configuration, hops, secondsPerByte, latency);
    }

    // The same circuits at both ends (each way, on every port), so the two nodes' views agree.
    private CircuitConfiguration PairConfiguration(int peer)
    {
        if (!_pairConfigurations.TryGetValue(peer, out CircuitConfiguration? configuration))
        {
            (int low, int high) = (Math.Min(Node, peer), Math.Max(Node, peer));
            var pair = new FlowPattern(string.Create(CultureInfo.InvariantCulture, $"pair {low}-{high}"), _fabric.Nodes,
                [new Flow(low, high), new Flow(high, low)]);
            configuration = CircuitConfiguration.ForPattern(pair, _fabric.Degree)!;
            _pairConfigurations[peer] = configuration;
        }
        return configuration;
    }
}
