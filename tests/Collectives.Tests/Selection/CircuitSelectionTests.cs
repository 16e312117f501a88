using Collectives.Kernels;
using Collectives.Optical.Circuits;
using Collectives.Optical.Fabric;
using Collectives.Selection;
using Collectives.Tests.Harness;
using Collectives.Simulation;
using Collectives.Topology;
using Collectives.Transport.Circuits;

namespace Collectives.Tests.Selection;

/// <summary>
/// The runtime selector under emulated circuits: all-reduce, reduce-scatter and all-gather are
/// priced by the optical model on the spec's fabric, held to the configurations the plan gives
/// each algorithm, so it knows when reconfiguring pays; overrides still win, and what the model
/// cannot price keeps the cost model.
/// </summary>
public sealed class CircuitSelectionTests
{
    private const double Microsecond = 1e-6;

    /// <summary>The check: alpha = delta = 0.5 us (alpha is the links' latency in the cost profile, delta the hop).</summary>
    private static readonly CostProfile HalfMicrosecondLinks =
        CostDefaults.Profile.With(LinkClass.InProcess, new LinkCost(0.5 * Microsecond, CostCurve.Flat(0.1e-9)));

    private static readonly Algorithm[] Schedulable = [Algorithm.Ring, Algorithm.HalvingDoubling, Algorithm.RecursiveDoubling];

    private static CircuitSpec Spec(string text, double? reconfiguration = null)
    {
        CircuitSpec spec = CircuitSpecParser.Parse(text);
        return reconfiguration is { } seconds ? spec with { ReconfigurationSeconds = seconds } : spec;
    }

    private static CircuitCostModel Model(CircuitSpec spec, JobTopology topology, CostProfile profile) =>
        new(spec.BuildFabric(topology.Size), spec.Plan, $"COLLECTIVES_CIRCUITS={spec}", topology, profile);

    /// <summary>
    /// The optical simulator on its own, as perf --predict built it before the selector knew circuits: the spec's fabric
    /// with the profile's alpha, the switch held to the configurations the plan gives the algorithm, starting on the first.
    /// </summary>
    private static SimulationResult Simulate(CircuitSpec spec, JobTopology topology, CostProfile profile, CollectiveKind kind, Algorithm algorithm, long bytes)
    {
        double alpha = profile.For(topology.LinkBetween(0, 1)).Alpha;
        CircuitFabric fabric = spec.BuildFabric(topology.Size, alpha);
        IReadOnlyList<CircuitConfiguration> plan = spec.Plans(fabric).For(algorithm);
        var simulator = new Simulator(new SimulatedFabric { Ranks = topology.Size, Optical = fabric with { Current = plan[0] } },
            (reduced, workingSet) => profile.ReduceTime(reduced, DataType.Float32, workingSet), circuitCandidates: plan);
        return simulator.Predict(kind, SimulatedAlgorithmNames.FromLibrary(algorithm)!.Value, bytes);
    }

    /// <summary>The simulator's fastest all-reduce among the algorithms the library runs and the model schedules.</summary>
    private static (Algorithm Algorithm, double Seconds)? SimulatedMinimum(CircuitSpec spec, JobTopology topology, CostProfile profile, CollectiveKind kind, long bytes)
    {
        (Algorithm, double)? best = null;
        foreach (Algorithm algorithm in Schedulable.Where(a => kind == CollectiveKind.AllReduce || a == Algorithm.Ring))
        {
            SimulationResult result = Simulate(spec, topology, profile, kind, algorithm, bytes);
            if (result.IsAvailable && (best is null || result.Seconds < best.Value.Item2))
            {
                best = (algorithm, result.Seconds);
            }
        }
        return best;
    }

    private static Algorithm Chosen(CircuitSpec spec, JobTopology topology, CostProfile profile, long bytes) =>
        AlgorithmSelector.Explain(CollectiveKind.AllReduce, DataType.Float32, bytes, topology, profile, circuits: Model(spec, topology, profile)).Winner.Algorithm;

    // p = 64, alpha = delta = 0.5 us, one port, plan=auto. At 1 MiB ring and halving-doubling move and reduce the same bytes
    // (recursive doubling six times the buffer), so they differ by latency and changes alone: the ring pays 2(p − 1)
    // (alpha + delta), halving-doubling 2 log2 p (alpha + delta) and 2 log2 p − 2 changes, crossing at the issue's
    // (p − 1 − log2 p) / (log2 p − 1) × (alpha + delta) = 11.4 us.
    [Fact]
    public void SixtyFourRanksTakeHalvingDoublingOnMatchingsBelowTheModelsBreakEvenAndTheRingAbove()
    {
        JobTopology topology = JobTopology.SingleHost(64);
        const long bytes = 1 << 20;
        CircuitSpec spec = Spec("switch=fast-ocs,bandwidth=50GB/s,hop=0.5us,plan=auto");
        Algorithm? Fastest(double reconfiguration) =>
            SimulatedMinimum(spec with { ReconfigurationSeconds = reconfiguration }, topology, HalfMicrosecondLinks, CollectiveKind.AllReduce, bytes)?.Algorithm;
        var flips = ReconfigurationBreakEven.Search<Algorithm>(5 * Microsecond, Fastest);
        (double breakEven, Algorithm below, Algorithm above) = Assert.Single(flips);
        Assert.Equal(Algorithm.HalvingDoubling, below);
        Assert.Equal(Algorithm.Ring, above);
        Assert.True(Math.Abs(breakEven - (11.4 * Microsecond)) < 1e-6 * breakEven, $"the model's break-even is {breakEven / Microsecond} us, the closed form 11.4 us");

        Assert.Equal(Algorithm.HalvingDoubling, Chosen(spec with { ReconfigurationSeconds = 0.999 * breakEven }, topology, HalfMicrosecondLinks, bytes));
        Assert.Equal(Algorithm.Ring, Chosen(spec with { ReconfigurationSeconds = 1.001 * breakEven }, topology, HalfMicrosecondLinks, bytes));
        var selectorsOwn = AlgorithmSelector.CircuitBreakEvens(CollectiveKind.AllReduce, DataType.Float32, bytes, topology,
            Model(spec with { ReconfigurationSeconds = 5 * Microsecond }, topology, HalfMicrosecondLinks));
        Assert.True(Math.Abs(Assert.Single(selectorsOwn).Seconds - breakEven) < 1e-6 * breakEven);
    }

    // With nothing to move, recursive doubling's log2 p exchanges beat the ring's 2(p − 1) steps until its log2 p changes
    // (one before its first exchange, since the plan's matchings start where halving-doubling does) cost more:
    // (2(p − 1) − log2 p) / log2 p × (alpha + delta) = 20 us.
    [Fact]
    public void AnEmptyAllReduceFlipsFromRecursiveDoublingToTheRingWhereItsChangesOutweighItsSteps()
    {
        JobTopology topology = JobTopology.SingleHost(64);
        CircuitSpec spec = Spec("switch=fast-ocs,bandwidth=50GB/s,hop=0.5us,plan=auto");
        const double breakEven = 20 * Microsecond;
        Assert.Equal(Algorithm.RecursiveDoubling, Chosen(spec with { ReconfigurationSeconds = 0.999 * breakEven }, topology, HalfMicrosecondLinks, 0));
        Assert.Equal(Algorithm.Ring, Chosen(spec with { ReconfigurationSeconds = 1.001 * breakEven }, topology, HalfMicrosecondLinks, 0));
    }

    public static TheoryData<string, int, CollectiveKind, long> Calls() => new()
    {
        { "reconfig=20us,bandwidth=250MB/s,plan=auto", 8, CollectiveKind.AllReduce, 8 },
        { "reconfig=20us,bandwidth=250MB/s,plan=auto", 8, CollectiveKind.AllReduce, 256 << 10 },
        { "reconfig=1us,bandwidth=250MB/s,plan=auto", 8, CollectiveKind.AllReduce, 4 << 20 },
        { "reconfig=1ms,bandwidth=1GB/s,plan=auto", 6, CollectiveKind.AllReduce, 1 << 20 },
        { "reconfig=50us,bandwidth=1GB/s,plan=matchings", 8, CollectiveKind.AllReduce, 64 << 10 },
        { "reconfig=50us,bandwidth=1GB/s,plan=matchings", 5, CollectiveKind.AllReduce, 1 << 20 },
        { "bandwidth=1GB/s,plan=ring", 8, CollectiveKind.AllReduce, 1 << 20 },
        { "degree=2,bandwidth=1GB/s,plan=rings", 7, CollectiveKind.AllReduce, 1 << 20 },
        { "reconfig=20us,bandwidth=250MB/s,plan=auto", 4, CollectiveKind.ReduceScatter, 1 << 20 },
        { "reconfig=20us,bandwidth=250MB/s,plan=ring", 4, CollectiveKind.AllGather, 64 << 10 },
    };

    [Theory]
    [MemberData(nameof(Calls))]
    public void TheSelectorsAnswerIsTheSimulatorsMinimum(string text, int ranks, CollectiveKind kind, long bytes)
    {
        JobTopology topology = JobTopology.SingleHost(ranks);
        CircuitSpec spec = Spec(text);
        (Algorithm algorithm, double seconds) = SimulatedMinimum(spec, topology, CostDefaults.Profile, kind, bytes)!.Value;
        SelectionExplanation explanation = AlgorithmSelector.Explain(kind, DataType.Float32, bytes, topology, CostDefaults.Profile,
            circuits: Model(spec, topology, CostDefaults.Profile));
        Assert.Equal(algorithm, explanation.Winner.Algorithm);
        Assert.Equal(seconds, explanation.Winner.PredictedSeconds, 15);
        Assert.Equal(1, explanation.Winner.Channels);
    }

    [Fact]
    public async Task ACommunicatorUnderCircuitsPlansWithTheCircuitModelAndRemembersItsChoice()
    {
        CircuitSpec spec = Spec("reconfig=20us,bandwidth=250MB/s,plan=auto");
        Communicator[] group = Communicator.CreateLocalGroup(8, new CommunicatorOptions { Circuits = spec, Channels = 2 });
        try
        {
            foreach (long bytes in new long[] { 8, 64 << 10, 16 << 20 })
            {
                (Algorithm algorithm, double seconds) = SimulatedMinimum(spec, group[0].Topology, CostDefaults.Profile, CollectiveKind.AllReduce, bytes)!.Value;
                AlgorithmChoice choice = group[3].Plan(CollectiveKind.AllReduce, DataType.Float32, bytes);
                Assert.Equal(algorithm, choice.Algorithm);
                Assert.Equal(seconds, choice.PredictedSeconds, 15);
                // One ring: a second channel's ring turns the other way, which the static ring would relay round every node.
                Assert.Equal(1, choice.Channels);
                Assert.Equal(choice, group[3].Plan(CollectiveKind.AllReduce, DataType.Float32, bytes));
                Assert.All(group, c => Assert.Equal(choice, c.Plan(CollectiveKind.AllReduce, DataType.Float32, bytes)));
            }
        }
        finally
        {
            await RankRunner.DisposeAllAsync(group);
        }
    }

    [Fact]
    public void OverridesStillWinAndArePricedByTheCircuitModel()
    {
        JobTopology topology = JobTopology.SingleHost(64);
        CircuitSpec spec = Spec("switch=fast-ocs,reconfig=1us,bandwidth=50GB/s,hop=0.5us,plan=auto");
        CircuitCostModel model = Model(spec, topology, HalfMicrosecondLinks);
        const long bytes = 1 << 20;
        Assert.Equal(Algorithm.HalvingDoubling, AlgorithmSelector.Explain(CollectiveKind.AllReduce, DataType.Float32, bytes, topology,
            HalfMicrosecondLinks, circuits: model).Winner.Algorithm);

        AlgorithmChoice ring = AlgorithmSelector.Choose(CollectiveKind.AllReduce, DataType.Float32, bytes, topology, HalfMicrosecondLinks,
            AlgorithmOverrides.Parse("ring"), CommunicatorOptions.DefaultChunkBytes, maxChannels: 4, circuits: model);
        Assert.Equal(Algorithm.Ring, ring.Algorithm);
        Assert.Equal(1, ring.Channels);
        Assert.Equal(Simulate(spec, topology, HalfMicrosecondLinks, CollectiveKind.AllReduce, Algorithm.Ring, bytes).Seconds, ring.PredictedSeconds, 15);

        // The model has no tree schedule, and the cost model does not see the circuits: forced, it runs, unpredicted.
        AlgorithmChoice tree = AlgorithmSelector.Choose(CollectiveKind.AllReduce, DataType.Float32, bytes, topology, HalfMicrosecondLinks,
            AlgorithmOverrides.Parse("allreduce=tree"), CommunicatorOptions.DefaultChunkBytes, circuits: model);
        Assert.Equal(Algorithm.Tree, tree.Algorithm);
        Assert.True(double.IsNaN(tree.PredictedSeconds));
    }

    [Fact]
    public void TheExplanationShowsTheCircuitModelsPricesAndSaysWhereTheyComeFrom()
    {
        JobTopology topology = JobTopology.SingleHost(8);
        CircuitSpec spec = Spec("reconfig=1us,bandwidth=250MB/s,plan=auto");
        SelectionExplanation explanation = AlgorithmSelector.Explain(CollectiveKind.AllReduce, DataType.Float32, 4 << 20, topology,
            CostDefaults.Profile, circuits: Model(spec, topology, CostDefaults.Profile));
        Assert.NotNull(explanation.CircuitModel);
        Assert.Contains("optical circuit model (COLLECTIVES_CIRCUITS=switch=fast-ocs,reconfig=1us", explanation.CircuitModel);
        Assert.Contains("plan=auto", explanation.CircuitModel);
        Assert.Contains("by the optical circuit model", explanation.Reason);
        CandidateCost halving = explanation.Candidates.Single(c => c.Algorithm == Algorithm.HalvingDoubling);
        Assert.Equal(4, halving.Reconfigurations);
        Assert.StartsWith("xor 4 → xor 2", halving.CircuitPlan);
        Assert.Equal(0, explanation.Candidates.Single(c => c.Algorithm == Algorithm.Ring).Reconfigurations);
        CandidateCost tree = explanation.Candidates.Single(c => c.Algorithm == Algorithm.Tree);
        Assert.Null(tree.PredictedSeconds);
        Assert.Contains("the circuit model has no schedule for it", tree.Unavailable);
    }

    [Fact]
    public void CollectivesTheCircuitModelDoesNotCoverKeepTheCostModel()
    {
        JobTopology topology = JobTopology.SingleHost(8);
        CircuitCostModel model = Model(Spec("reconfig=1us,plan=auto"), topology, CostDefaults.Profile);
        foreach (CollectiveKind kind in new[] { CollectiveKind.Broadcast, CollectiveKind.Reduce, CollectiveKind.AllToAll, CollectiveKind.Barrier })
        {
            SelectionExplanation plain = AlgorithmSelector.Explain(kind, DataType.Float32, 1 << 20, topology, CostDefaults.Profile);
            SelectionExplanation underCircuits = AlgorithmSelector.Explain(kind, DataType.Float32, 1 << 20, topology, CostDefaults.Profile, circuits: model);
            Assert.Null(underCircuits.CircuitModel);
            Assert.Equal(plain.Winner, underCircuits.Winner);
        }
    }

    [Fact]
    public void WhenThePlanCarriesNoCandidateTheCostModelPicksAndSaysWhy()
    {
        // A reduce-scatter's only candidate is the ring, whose shift by one no matching carries.
        JobTopology topology = JobTopology.SingleHost(8);
        SelectionExplanation explanation = AlgorithmSelector.Explain(CollectiveKind.ReduceScatter, DataType.Float32, 1 << 20, topology,
            CostDefaults.Profile, circuits: Model(Spec("reconfig=50us,plan=matchings"), topology, CostDefaults.Profile));
        Assert.Equal(Algorithm.Ring, explanation.Winner.Algorithm);
        Assert.True(double.IsNaN(explanation.Winner.PredictedSeconds));
        Assert.Contains("runs none of the candidates (ring: on plan=matchings: no configuration", explanation.Reason);
        Assert.Contains("blind to the circuits", explanation.Reason);
    }
}
