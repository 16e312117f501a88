using Collectives.Optical.Candidates;
using Collectives.Optical.Circuits;
using Collectives.Optical.Cost;
using Collectives.Optical.Planning;
using Collectives.Schedules;

namespace Collectives.Simulation;

/// <summary>
/// Predicts collectives on a <see cref="SimulatedFabric"/> far larger than one machine, from
/// the algorithms' step schedules, without running them. With several ranks per node it prices
/// the two-level form: a ring inside each node, the algorithm across nodes with every rank of a
/// node at once (so the node's network carries the whole buffer), and a ring inside again. On
/// circuits the <see cref="ReconfigurationPlanner"/> decides when to change them. Routes and
/// loads are kept per pattern, so one instance should price a whole sweep of sizes.
/// </summary>
public sealed class Simulator
{
    private readonly SimulatedFabric _fabric;
    private readonly Func<long, long, double> _reduceSeconds;
    private readonly PlanOptions _options;
    private readonly PowerOfTwoFold _fold;
    private readonly FlowPattern? _ring;
    private readonly FlowPattern? _multiRing;
    private readonly FlowPattern? _intraRing;
    private readonly PacketStepPricer? _electrical;
    private readonly PacketStepPricer? _intra;
    private readonly IStepPricer? _circuits;
    private readonly ReconfigurationCosts? _changes;
    private readonly Dictionary<string, IReadOnlyList<CircuitConfiguration>> _candidates = [];
    private readonly IReadOnlyList<CircuitConfiguration>? _fixedCandidates;

    /// <param name="reduceSeconds">Seconds a rank takes to reduce so many bytes it received, in a call of so many bytes (which sets the cache regime).</param>
    /// <param name="circuitCandidates">
    /// The only configurations the switch may take, in place of the planner's own candidates:
    /// for pricing a fixed plan, such as the one emulated circuits run (COLLECTIVES_CIRCUITS). Null: the planner chooses.
    /// </param>
    /// <exception cref="ArgumentException">The fabric is inconsistent; the message lists every problem.</exception>
    public Simulator(SimulatedFabric fabric, Func<long, long, double> reduceSeconds, PlanOptions? options = null,
        IReadOnlyList<CircuitConfiguration>? circuitCandidates = null)
    {
        ArgumentNullException.ThrowIfNull(fabric);
        ArgumentNullException.ThrowIfNull(reduceSeconds);
        IReadOnlyList<string> problems = fabric.Problems();
        if (problems.Count > 0)
        {
            throw new ArgumentException("The fabric cannot be simulated: " + string.Join("; ", problems) + ".", nameof(fabric));
        }
        _fabric = fabric;
        _reduceSeconds = reduceSeconds;
        _options = options ?? PlanOptions.Default;
        _fixedCandidates = circuitCandidates;
        int nodes = fabric.Nodes;
        _fold = new PowerOfTwoFold(nodes);
        if (nodes > 1)
        {
            _ring = FlowPattern.Shift(nodes, 1);
            if (fabric.Optical is { } optical)
            {
                _multiRing = FlowPattern.Shifts(nodes, TotientRings.Choose(nodes, optical.Degree));
            }
        }
        if (fabric.RanksPerNode > 1)
        {
            _intraRing = FlowPattern.Shift(fabric.RanksPerNode, 1);
            _intra = new PacketStepPricer(fabric.IntraNode!);
        }
        if (fabric.Electrical is { } packet)
        {
            _electrical = new PacketStepPricer(packet);
        }
        if (fabric.Optical is { } circuits)
        {
            var optical = new CircuitStepPricer(circuits);
            _circuits = _electrical is null ? optical : new HybridStepPricer(_electrical, optical);
            _changes = new ReconfigurationCosts(circuits, _options.UseP99);
        }
    }

    public SimulatedFabric Fabric => _fabric;

    /// <summary>Every algorithm of <paramref name="algorithms"/> for one collective and size.</summary>
    public IReadOnlyList<SimulationResult> Compare(CollectiveKind kind, long bytes, IReadOnlyList<SimulatedAlgorithm> algorithms) =>
        algorithms.Select(a => Predict(kind, a, bytes)).ToList();

    /// <exception cref="ArgumentOutOfRangeException">A collective other than all-reduce, reduce-scatter and all-gather.</exception>
    public SimulationResult Predict(CollectiveKind kind, SimulatedAlgorithm algorithm, long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        if (kind is not (CollectiveKind.AllReduce or CollectiveKind.ReduceScatter or CollectiveKind.AllGather))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "The simulator prices all-reduce, reduce-scatter and all-gather.");
        }
        var result = new SimulationResult(kind, algorithm, bytes, _fabric.Ranks);
        IReadOnlyList<CommunicationStep> across = [];
        if (_fabric.Nodes > 1)
        {
            if (AcrossNodes(kind, algorithm, bytes, out string? why) is { } schedule)
            {
                across = schedule;
            }
            else
            {
                return result with { Unavailable = why };
            }
        }
        int perNode = _fabric.RanksPerNode;
        // Across nodes every rank of a node reduces its own 1/R of what the node receives, all at once.
        StepTime reduction = Reduction(across, bytes, perNode);
        StepTime network = StepTime.Zero;
        double reconfiguration = 0;
        int reconfigurations = 0;
        string plan = "";
        if (across.Count > 0)
        {
            if (_circuits is not null)
            {
                CircuitPlan circuitPlan = PlanOnCircuits(across);
                if (!circuitPlan.IsFeasible)
                {
                    return result with { Unavailable = "no configuration the switch can reach carries every step" };
                }
                network = circuitPlan.Steps;
                reconfiguration = circuitPlan.ReconfigurationSeconds;
                reconfigurations = circuitPlan.Reconfigurations;
                plan = circuitPlan.Describe();
            }
            else
            {
                network = across.Aggregate(StepTime.Zero, (sum, step) => sum + _electrical!.Price(step));
            }
        }
        if (_intraRing is not null)
        {
            IReadOnlyList<CommunicationStep> inside = InsideNode(kind, bytes);
            network += inside.Aggregate(StepTime.Zero, (sum, step) => sum + _intra!.Price(step));
            reduction += Reduction(inside, bytes, 1);
        }
        return result with
        {
            Steps = network + reduction,
            ReconfigurationSeconds = reconfiguration,
            Reconfigurations = reconfigurations,
            Plan = plan,
        };
    }

    // Candidates depend on the step patterns only, which every size of a collective shares (and all-reduce shares
    // with reduce-scatter and all-gather); keeping them keeps the routes the pricer worked out on them. Pattern names
    // are unique among one simulator's patterns.
    private CircuitPlan PlanOnCircuits(IReadOnlyList<CommunicationStep> steps)
    {
        var optical = _fabric.Optical!;
        if (_fixedCandidates is not null)
        {
            return ReconfigurationPlanner.Plan(steps, _fixedCandidates, _changes!, _circuits!, _options);
        }
        string patterns = string.Join("|", steps.Select(s => s.Pattern.Name).Distinct().Order(StringComparer.Ordinal));
        if (!_candidates.TryGetValue(patterns, out IReadOnlyList<CircuitConfiguration>? candidates))
        {
            var proposed = CandidateConfigurations.For(optical, steps).ToList();
            // On a hybrid fabric leaving the circuits as they are (and sending over the packet network) is always possible.
            if (_electrical is not null && !proposed.Any(c => c.SameCircuits(optical.Installed)))
            {
                proposed.Add(optical.Installed);
            }
            candidates = proposed;
            _candidates[patterns] = candidates;
        }
        return ReconfigurationPlanner.Plan(steps, candidates, _changes!, _circuits!, _options);
    }

    private IReadOnlyList<CommunicationStep>? AcrossNodes(CollectiveKind kind, SimulatedAlgorithm algorithm, long bytes, out string? why)
    {
        why = null;
        switch (algorithm)
        {
            case SimulatedAlgorithm.Ring:
                return Rings(kind, _ring!, bytes);
            case SimulatedAlgorithm.MultiRing when _multiRing is null:
                why = "multi-ring spreads over optical ports, and this fabric has none";
                return null;
            case SimulatedAlgorithm.MultiRing:
                return Rings(kind, _multiRing!, bytes);
            case SimulatedAlgorithm.HalvingDoubling:
                IReadOnlyList<CommunicationStep>? steps = kind switch
                {
                    CollectiveKind.AllReduce => HalvingDoublingSchedule.AllReduce(_fold, bytes),
                    CollectiveKind.ReduceScatter => HalvingDoublingSchedule.ReduceScatter(_fold, bytes),
                    _ => HalvingDoublingSchedule.AllGather(_fold, bytes),
                };
                why = steps is null ? "halving and doubling alone need a power-of-two number of nodes" : null;
                return steps;
            default:
                if (kind != CollectiveKind.AllReduce)
                {
                    why = "recursive doubling is an all-reduce algorithm";
                    return null;
                }
                return RecursiveDoublingSchedule.AllReduce(_fold, bytes);
        }
    }

    private static IReadOnlyList<CommunicationStep> Rings(CollectiveKind kind, FlowPattern rings, long bytes) => kind switch
    {
        CollectiveKind.AllReduce => RingSchedule.AllReduce(rings, bytes),
        CollectiveKind.ReduceScatter => RingSchedule.ReduceScatter(rings, bytes),
        _ => RingSchedule.AllGather(rings, bytes),
    };

    // Reduce-scatter inside before the steps across and all-gather inside after them (all-reduce does both).
    private IReadOnlyList<CommunicationStep> InsideNode(CollectiveKind kind, long bytes) => kind switch
    {
        CollectiveKind.AllReduce => RingSchedule.AllReduce(_intraRing!, bytes),
        CollectiveKind.ReduceScatter => RingSchedule.ReduceScatter(_intraRing!, bytes),
        _ => RingSchedule.AllGather(_intraRing!, bytes),
    };

    private StepTime Reduction(IReadOnlyList<CommunicationStep> steps, long callBytes, int sharedBy)
    {
        double seconds = 0;
        foreach (CommunicationStep step in steps)
        {
            if (step.ReducedBytesPerNode > 0)
            {
                seconds += step.Repeat * _reduceSeconds(RingSchedule.CeilingDivide(step.ReducedBytesPerNode, sharedBy), callBytes);
            }
        }
        return new StepTime(0, 0, seconds);
    }
}
