using System.Globalization;
using Collectives.Optical.Circuits;
using Collectives.Optical.Cost;
using Collectives.Optical.Fabric;
using Collectives.Optical.Planning;
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
/// Under plan=auto the plan is the one of the frame's algorithm (the header names it;
/// <see cref="CircuitPlanConfigurations.For"/>): a ring's frames keep to the static ring,
/// halving-doubling's and recursive doubling's walk the matchings, and the first frame of a call
/// whose algorithm differs from the last one's leaves the other plan's configuration at every node
/// alike. So each call runs on the configurations the selector priced it on, with no message
/// between nodes and nothing shared between concurrent communicators but the node's own view.
/// </para>
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
    private readonly IReadOnlyList<CircuitConfiguration> _all;
    private readonly Func<Algorithm, IReadOnlyList<CircuitConfiguration>> _planFor;
    private readonly CircuitRouter _router = new();
    private readonly Dictionary<(CircuitConfiguration, FlowPattern), PatternLoad> _loads = [];
    private readonly Dictionary<(int, Algorithm), FlowPattern> _patterns = [];
    private readonly PowerOfTwoFold _fold;
    private readonly Dictionary<int, CircuitConfiguration> _pairConfigurations = [];
    // Per plan (by reference), the position the node last took from it: an off-plan pair configuration, or under
    // plan=auto another algorithm's configuration, remembers where the plan stood.
    private readonly Dictionary<IReadOnlyList<CircuitConfiguration>, int> _planIndex = new(ReferenceEqualityComparer.Instance);

    /// <param name="fabric">The emulated fabric (every rank builds the same one from the same spec).</param>
    /// <param name="plan">The configurations in plan order (<see cref="CircuitSpec.PlanConfigurations"/>), for frames of every algorithm.</param>
    /// <param name="node">This node (the job-wide rank).</param>
    public CircuitSwitchSchedule(CircuitFabric fabric, IReadOnlyList<CircuitConfiguration> plan, int node)
        : this(fabric, plan, _ => plan, node)
    {
    }

    /// <param name="fabric">The emulated fabric (every rank builds the same one from the same spec).</param>
    /// <param name="plans">The plan's configurations and which of them each algorithm's frames may use (<see cref="CircuitSpec.Plans"/>).</param>
    /// <param name="node">This node (the job-wide rank).</param>
    public CircuitSwitchSchedule(CircuitFabric fabric, CircuitPlanConfigurations plans, int node)
        : this(fabric, (plans ?? throw new ArgumentNullException(nameof(plans))).All, plans.For, node)
    {
    }

    private CircuitSwitchSchedule(CircuitFabric fabric, IReadOnlyList<CircuitConfiguration> plan,
        Func<Algorithm, IReadOnlyList<CircuitConfiguration>> planFor, int node)
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
        _all = plan;
        _planFor = planFor;
        _planIndex[plan] = 0;
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
        IReadOnlyList<CircuitConfiguration> plan = _planFor(algorithm);
        // Under plan=auto a configuration of another algorithm's plan is left even where it reaches the peer: a ring call
        // after halving-doubling takes every node back to the ring alike, rather than leaving the nodes whose neighbour
        // the last matching happens to join on that matching, and halving-doubling never relays over the ring.
        bool foreign = IndexOf(plan, Current) < 0 && IndexOf(_all, Current) >= 0;
        if (!foreign && RouteOn(Current, peer, algorithm) is { } here)
        {
            return new CircuitDecision(here, false, 0);
        }
        int from = PlanIndex(plan);
        for (int step = 1; step <= plan.Count; step++)
        {
            CircuitConfiguration next = plan[(from + step) % plan.Count];
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
        foreach (IReadOnlyList<CircuitConfiguration> plan in _planIndex.Keys.ToArray())
        {
            if (IndexOf(plan, next) is int index and >= 0)
            {
                _planIndex[plan] = index;
            }
        }
        Current = next;
        Changes++;
    }

    // Where a plan stands: the configuration the node last took from it; for a plan first used now, the lit
    // configuration when it is one of the plan's, else just before the plan's start (so its search begins at the first).
    private int PlanIndex(IReadOnlyList<CircuitConfiguration> plan)
    {
        if (!_planIndex.TryGetValue(plan, out int index))
        {
            index = IndexOf(plan, Current) is int lit and >= 0 ? lit : plan.Count - 1;
            _planIndex[plan] = index;
        }
        return index;
    }

    private static int IndexOf(IReadOnlyList<CircuitConfiguration> plan, CircuitConfiguration configuration)
    {
        for (int i = 0; i < plan.Count; i++)
        {
            if (ReferenceEquals(plan[i], configuration))
            {
                return i;
            }
        }
        return -1;
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
