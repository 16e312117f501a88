using System.Globalization;
using Collectives.Kernels;
using Collectives.Optical.Circuits;
using Collectives.Optical.Fabric;
using Collectives.Optical.Planning;
using Collectives.Simulation;
using Collectives.Topology;

namespace Collectives.Selection;

/// <summary>
/// The selector's prices for a job under emulated optical circuits (COLLECTIVES_CIRCUITS): the
/// optical simulator on the fabric the circuit spec describes, with the switch held to the plan's
/// configurations for the algorithm priced (<see cref="CircuitPlanConfigurations.For"/>, the same
/// ones the emulation lets that algorithm's frames use), starting on the first of them as the
/// emulation does and as a repeated call leaves them; messages start at the topology's link
/// latency and reductions run at the cost profile's speed. The runtime selector,
/// <c>collectives explain</c> and <c>perf --predict</c> all price circuits here.
/// <para>
/// Pure (no I/O) and deterministic, so every rank that builds one from the same spec, topology
/// and profile gets the same prices. Simulators keep routes and loads per pattern, so one is kept
/// per plan and element type for the life of the model; thread-safe.
/// </para>
/// </summary>
public sealed class CircuitCostModel
{
    private readonly JobTopology _topology;
    private readonly CostProfile _profile;
    private readonly CircuitPlanConfigurations _plans;
    private readonly Dictionary<(IReadOnlyList<CircuitConfiguration> Plan, DataType Type), Simulator> _simulators = [];
    private readonly Lock _gate = new();

    /// <param name="fabric">The circuit fabric of the job's ranks, one node each (<c>CircuitSpec.BuildFabric</c>); its alpha is replaced by the topology's.</param>
    /// <param name="plan">The spec's plan.</param>
    /// <param name="source">Where the circuits come from, for explanations ("COLLECTIVES_CIRCUITS=...").</param>
    /// <exception cref="ArgumentException">The fabric's nodes are not the topology's ranks.</exception>
    public CircuitCostModel(CircuitFabric fabric, CircuitPlanKind plan, string source, JobTopology topology, CostProfile profile)
    {
        ArgumentNullException.ThrowIfNull(fabric);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(topology);
        ArgumentNullException.ThrowIfNull(profile);
        if (fabric.Nodes != topology.Size)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"The circuit fabric has {fabric.Nodes} nodes but the job {topology.Size} ranks; circuits emulate one node per rank."), nameof(fabric));
        }
        _topology = topology;
        _profile = profile;
        Source = source;
        Plan = plan;
        Fabric = fabric with { Alpha = Alpha(topology, profile) };
        _plans = CircuitPlanConfigurations.Build(Fabric, plan);
    }

    /// <summary>The fabric priced on, with the alpha of the links that carry the frames.</summary>
    public CircuitFabric Fabric { get; }

    public CircuitPlanKind Plan { get; }

    /// <summary>Where the circuits come from ("COLLECTIVES_CIRCUITS=...").</summary>
    public string Source { get; }

    /// <summary>"the optical circuit model (COLLECTIVES_CIRCUITS=...): 8 nodes, 1 port of 0.25 GB/s, fast-ocs changing in 50 us, plan=auto, alpha 2 us".</summary>
    public string Description => string.Create(CultureInfo.InvariantCulture,
        $"the optical circuit model ({Source}): {Fabric.Nodes} nodes, {Fabric.Degree} port{(Fabric.Degree == 1 ? "" : "s")} of {Fabric.PortBandwidth / 1e9:0.###} GB/s, " +
        $"{Fabric.Switch.Name} changing in {SimulatedFabric.Seconds(Fabric.Switch.ReconfigurationSeconds(p99: false))}, " +
        $"plan={CircuitPlanConfigurations.Name(Plan)}, alpha {SimulatedFabric.Seconds(Fabric.Alpha)}");

    /// <summary>Whether the model prices calls of <paramref name="kind"/>: all-reduce, reduce-scatter and all-gather on two nodes or more.</summary>
    public bool Covers(CollectiveKind kind) => Prices(kind, Fabric.Nodes);

    /// <summary>Whether calls of <paramref name="kind"/> on <paramref name="nodes"/> nodes are priced by the model: all-reduce, reduce-scatter and all-gather on two or more.</summary>
    public static bool Prices(CollectiveKind kind, int nodes) =>
        nodes > 1 && kind is CollectiveKind.AllReduce or CollectiveKind.ReduceScatter or CollectiveKind.AllGather;

    /// <summary>
    /// The model's prediction for <paramref name="algorithm"/> on the configurations the plan
    /// gives it (unavailable, with the reason, where none of them carries a step), or null where
    /// the model has no schedule for the algorithm or the collective.
    /// </summary>
    public SimulationResult? Predict(CollectiveKind kind, Algorithm algorithm, DataType type, long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        if (!Covers(kind) || SimulatedAlgorithmNames.FromLibrary(algorithm) is not { } simulated)
        {
            return null;
        }
        IReadOnlyList<CircuitConfiguration> plan = _plans.For(algorithm);
        lock (_gate)
        {
            if (!_simulators.TryGetValue((plan, type), out Simulator? simulator))
            {
                var fabric = new SimulatedFabric { Ranks = Fabric.Nodes, Optical = Fabric with { Current = plan[0] } };
                simulator = new Simulator(fabric, (reduced, workingSet) => _profile.ReduceTime(reduced, type, workingSet), circuitCandidates: plan);
                _simulators[(plan, type)] = simulator;
            }
            return simulator.Predict(kind, simulated, bytes);
        }
    }

    /// <summary>The same model with the switch changing in <paramref name="seconds"/> (median and p99): for break-even searches.</summary>
    public CircuitCostModel WithReconfiguration(double seconds) => new(
        Fabric with { Switch = Fabric.Switch.WithReconfiguration(seconds, "break-even search") }, Plan, Source, _topology, _profile);

    // The links that carry the frames set where a message starts; the slowest of the ring's links, so every rank takes the same.
    private static double Alpha(JobTopology topology, CostProfile profile)
    {
        double alpha = 0;
        for (int rank = 0; rank < topology.Size && topology.Size > 1; rank++)
        {
            alpha = Math.Max(alpha, profile.For(topology.LinkBetween(rank, (rank + 1) % topology.Size)).Alpha);
        }
        return alpha;
    }
}
