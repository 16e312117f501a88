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
/// Whether the peer is reached depends on this node's own flow; how fast it goes is priced as the
/// model prices the whole step: a frame's header names its algorithm, which fixes the step's
/// pattern (a ring step shifts every node by the same offset, a halving-doubling step swaps across
/// one bit), and the router's load of that pattern on the configuration gives the busiest
/// circuit's share (θ = 1/C, parallel circuits adding up, relayed flows crowding the circuits they
/// cross) and the longest path. For other algorithms the flow is priced alone, a relayed flow at
/// 1/hops of a port (on relayed ring steps a flow across H circuits shares each with H − 1
/// others: TopoOpt's dilation). Not thread-safe: <see cref="EmulatedCircuitNode"/> holds the lock.
/// </para>
/// </summary>
public sealed class CircuitSwitchSchedule
{
    private readonly CircuitFabric _fabric;
    private readonly IReadOnlyList<CircuitConfiguration> _plan;
    private readonly CircuitRouter _router = new();
    private readonly Dictionary<(CircuitConfiguration, FlowPattern), PatternLoad> _loads = [];
    private readonly Dictionary<(int, Algorithm), FlowPattern> _patterns = [];
    private readonly PowerOfTwoFold _fold;
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
        _fold = new PowerOfTwoFold(fabric.Nodes);
    }

    public int Node { get; }

    /// <summary>The configuration lit now, as this node sees it.</summary>
    public CircuitConfiguration Current { get; private set; }

    /// <summary>Changes this node has made so far.</summary>
    public long Changes { get; private set; }

    /// <summary>
    /// Where a frame to <paramref name="peer"/> of a call run by <paramref name="algorithm"/> goes
    /// now, and whether the switch must change first. Does not change anything.
    /// </summary>
    public CircuitDecision Decide(int peer, Algorithm algorithm = Algorithm.Direct)
    {
        if (peer == Node || (uint)peer >= (uint)_fabric.Nodes)
        {
            throw new ArgumentOutOfRangeException(nameof(peer), peer, string.Create(CultureInfo.InvariantCulture,
                $"Node {Node} of an emulated {_fabric.Nodes}-node circuit fabric has no peer {peer}."));
        }
        if (RouteOn(Current, peer, algorithm) is { } here)
        {
            return new CircuitDecision(here, false, 0);
        }
        for (int step = 1; step <= _plan.Count; step++)
        {
            CircuitConfiguration next = _plan[(_planIndex + step) % _plan.Count];
            if (RouteOn(next, peer, algorithm) is { } there)
            {
                return Change(there);
            }
        }
        return Change(RouteOn(PairConfiguration(peer), peer, algorithm)!.Value);
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

    private CircuitRoute? RouteOn(CircuitConfiguration configuration, int peer, Algorithm algorithm)
    {
        PatternLoad own = Load(configuration, Pattern(peer, Algorithm.Direct));
        if (!own.IsReachable)
        {
            return null;
        }
        FlowPattern step = Pattern(peer, algorithm);
        PatternLoad whole = Load(configuration, step);
        // Alone, a flow's congestion is 1/k for k parallel circuits; relayed, it shares each circuit with hops − 1 others (dilation).
        (double congestion, int hops) = whole.IsReachable && step.Flows.Length > 1
            ? (whole.Congestion, whole.MaxHops)
            : (own.Congestion * own.MaxHops, own.MaxHops);
        double latency = (hops * _fabric.PropagationPerHop) + (Math.Max(0, hops - 1) * _fabric.HostForwarding);
        return new CircuitRoute(configuration, hops, congestion / _fabric.PortBandwidth, latency);
    }

    private PatternLoad Load(CircuitConfiguration configuration, FlowPattern pattern)
    {
        if (!_loads.TryGetValue((configuration, pattern), out PatternLoad load))
        {
            load = _router.Load(configuration, pattern);
            _loads[(configuration, pattern)] = load;
        }
        return load;
    }

    // The step a frame belongs to, as the model's schedules have it: every node shifting by the same offset (ring and
    // pairwise steps), or swapping across one bit (halving-doubling and recursive doubling on a power of two); else the flow alone.
    private FlowPattern Pattern(int peer, Algorithm algorithm)
    {
        int nodes = _fabric.Nodes;
        int mask = Node ^ peer;
        Algorithm kind = algorithm switch
        {
            Algorithm.Ring or Algorithm.Pairwise => Algorithm.Ring,
            Algorithm.HalvingDoubling or Algorithm.RecursiveDoubling when _fold.Extra == 0 && (mask & (mask - 1)) == 0 => Algorithm.HalvingDoubling,
            _ => Algorithm.Direct,
        };
        if (!_patterns.TryGetValue((peer, kind), out FlowPattern? pattern))
        {
            pattern = kind switch
            {
                Algorithm.Ring => FlowPattern.Shift(nodes, (peer - Node + nodes) % nodes),
                Algorithm.HalvingDoubling => _fold.Exchange(mask),
                _ => new FlowPattern(string.Create(CultureInfo.InvariantCulture, $"{Node} to {peer}"), nodes, [new Flow(Node, peer)]),
            };
            _patterns[(peer, kind)] = pattern;
        }
        return pattern;
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
