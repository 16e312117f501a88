using Collectives.Kernels;
using Collectives.Selection;
using Collectives.Topology;

namespace Collectives.Tests.Selection;

/// <summary>The cost-model selector (a pure argmin) and the override parser.</summary>
public sealed class AlgorithmSelectionTests
{
    private static readonly CostProfile Defaults = CostDefaults.Profile;

    /// <summary>A profile whose inter-host links run at 1 Gbit/s (0.125 GB/s), as the tbf-limited emulated hosts do.</summary>
    private static CostProfile GigabitAcrossHosts => Defaults.With(LinkClass.Tcp, new LinkCost(50e-6, CostCurve.Flat(8e-9)));

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(16)]
    public void TinyAllReducesTakeTheFewestRoundTrips(int ranks)
    {
        SelectionExplanation explanation = AlgorithmSelector.Explain(CollectiveKind.AllReduce, DataType.Float32, 8,
            JobTopology.SingleHost(ranks, LinkClass.SharedMemory), Defaults);
        // Recursive doubling (log n exchanges) or the tree (2 log n hops, fewer for 3 ranks than
        // the doubling's fold): never the ring's 2(n−1) steps.
        Assert.Contains(explanation.Winner.Algorithm, new[] { Algorithm.RecursiveDoubling, Algorithm.Tree });
        if (ranks is 2 or 8 or 16)
        {
            Assert.Equal(Algorithm.RecursiveDoubling, explanation.Winner.Algorithm);
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(8)]
    public void LargeAllReducesOnOneHostAreBandwidthOptimal(int ranks)
    {
        Algorithm chosen = AlgorithmSelector.Explain(CollectiveKind.AllReduce, DataType.Float32, 256 << 20,
            JobTopology.SingleHost(ranks, LinkClass.SharedMemory), Defaults).Winner.Algorithm;
        // Both move 2(n−1)/n of the buffer per rank; recursive doubling and the tree move far more.
        Assert.Contains(chosen, new[] { Algorithm.Ring, Algorithm.HalvingDoubling });
    }

    [Theory]
    [InlineData(new[] { 2, 2 })]
    [InlineData(new[] { 4, 4 })]
    [InlineData(new[] { 2, 2, 2, 2 })]
    public void SlowLinksBetweenHostsMakeLargeAllReducesHierarchical(int[] hosts)
    {
        SelectionExplanation explanation = AlgorithmSelector.Explain(CollectiveKind.AllReduce, DataType.Float32, 64 << 20,
            JobTopology.FromHostSizes(hosts), GigabitAcrossHosts);
        Assert.Contains(explanation.Winner.Algorithm, new[] { Algorithm.Hierarchical, Algorithm.TwoDimensionalRing });
        double ring = explanation.Candidates.Single(c => c.Algorithm == Algorithm.Ring).PredictedSeconds!.Value;
        // The flat ring sends 2(n−1)/n of the buffer out of every host, the hierarchy 2(H−1)/H:
        // when the network dominates, that ratio is the speed-up.
        int n = hosts.Sum(), h = hosts.Length;
        double expected = (2.0 * (n - 1) / n) / (2.0 * (h - 1) / h);
        double ratio = ring / explanation.Winner.PredictedSeconds;
        Assert.True(ratio > 0.85 * expected && ratio > 1, $"ring {ring} s vs {explanation.Winner}: {ratio:0.00}×, expected about {expected:0.00}×");
    }

    [Theory]
    [InlineData(CollectiveKind.ReduceScatter, new[] { 2, 1, 3 })]
    [InlineData(CollectiveKind.ReduceScatter, new[] { 1, 4 })]
    [InlineData(CollectiveKind.ReduceScatter, new[] { 3, 3, 1, 2 })]
    [InlineData(CollectiveKind.AllGather, new[] { 2, 1, 3 })]
    [InlineData(CollectiveKind.AllGather, new[] { 1, 4 })]
    [InlineData(CollectiveKind.AllGather, new[] { 3, 3, 1, 2 })]
    public void LanesAcrossUnequalHostsLoseToTheFlatRingWhenAHostHasOneRank(CollectiveKind kind, int[] hosts)
    {
        SelectionExplanation explanation = AlgorithmSelector.Explain(kind, DataType.Float32, 64 << 20,
            JobTopology.FromHostSizes(hosts), GigabitAcrossHosts);
        Assert.Equal(Algorithm.Ring, explanation.Winner.Algorithm);
        double lanes = explanation.Candidates.Single(c => c.Algorithm == Algorithm.Hierarchical).PredictedSeconds!.Value;
        // A one-rank host's rank owns all M lanes, and every step of a lane ring carries the
        // largest host's segment of the lane (one block) somewhere, so that rank's link carries
        // (H−1)·M blocks where the flat ring's carries n−1 (measured on 2+1+3 hosts at 1 Gbit/s:
        // lanes 653-673 ms, ring 488-499 ms for a 64 MiB all-gather).
        int n = hosts.Sum(), h = hosts.Length, m = hosts.Max();
        double expected = (double)(h - 1) * m / (n - 1);
        double ratio = lanes / explanation.Winner.PredictedSeconds;
        Assert.True(ratio > 0.95 * expected && ratio < 1.6 * expected, $"lanes {lanes} s vs {explanation.Winner}: {ratio:0.00}×, expected about {expected:0.00}×");
    }

    [Fact]
    public void ForcingTheTwoLevelReduceScatterOnUnequalHostsIsHonoured()
    {
        AlgorithmOverrides forced = AlgorithmOverrides.Parse("reducescatter=hierarchical");
        JobTopology topology = JobTopology.FromHostSizes([2, 1]);
        AlgorithmChoice choice = AlgorithmSelector.Choose(CollectiveKind.ReduceScatter, DataType.Float32, 12, topology, Defaults, forced, 1 << 20);
        Assert.Equal(Algorithm.Hierarchical, choice.Algorithm);
        Assert.True(double.IsFinite(choice.PredictedSeconds) && choice.PredictedSeconds > 0, $"{choice}");
    }

    [Fact]
    public void OneHostNeverConsidersTheHierarchy()
    {
        SelectionExplanation explanation = AlgorithmSelector.Explain(CollectiveKind.AllReduce, DataType.Float32, 64 << 20,
            JobTopology.SingleHost(8, LinkClass.SharedMemory), Defaults);
        CandidateCost hierarchical = explanation.Candidates.Single(c => c.Algorithm == Algorithm.Hierarchical);
        Assert.Null(hierarchical.PredictedSeconds);
        Assert.Contains("one host", hierarchical.Unavailable);
    }

    [Fact]
    public void TheWinnerIsTheArgminAndTheSameForTheSameInputs()
    {
        var random = new Random(7);
        for (int trial = 0; trial < 200; trial++)
        {
            int[] hosts = Enumerable.Range(0, random.Next(1, 5)).Select(_ => random.Next(1, 5)).ToArray();
            JobTopology topology = JobTopology.FromHostSizes(hosts);
            long bytes = 1L << random.Next(0, 29);
            CollectiveKind kind = new[] { CollectiveKind.AllReduce, CollectiveKind.AllGather, CollectiveKind.Broadcast, CollectiveKind.Reduce,
                CollectiveKind.ReduceScatter, CollectiveKind.AllToAll }[random.Next(6)];
            SelectionExplanation first = AlgorithmSelector.Explain(kind, DataType.Float32, bytes, topology, Defaults);
            SelectionExplanation second = AlgorithmSelector.Explain(kind, DataType.Float32, bytes, JobTopology.FromHostSizes(hosts), Defaults);
            Assert.Equal(first.Winner, second.Winner);
            foreach (CandidateCost candidate in first.Candidates.Where(c => c.PredictedSeconds is not null))
            {
                Assert.True(first.Winner.PredictedSeconds <= candidate.PredictedSeconds, $"{candidate} beats {first.Winner}");
            }
        }
    }

    [Fact]
    public void BroadcastUsesTheTreeForSmallAndTheChainForLarge()
    {
        JobTopology topology = JobTopology.SingleHost(8, LinkClass.SharedMemory);
        Assert.Equal(Algorithm.Tree, AlgorithmSelector.Explain(CollectiveKind.Broadcast, DataType.Float32, 1024, topology, Defaults).Winner.Algorithm);
        Assert.Equal(Algorithm.Ring, AlgorithmSelector.Explain(CollectiveKind.Broadcast, DataType.Float32, 256 << 20, topology, Defaults).Winner.Algorithm);
    }

    [Fact]
    public void PipelinedBroadcastsPickSmallerChunksForLargeMessagesAndOthersKeepTheConfiguredOne()
    {
        JobTopology topology = JobTopology.SingleHost(8, LinkClass.SharedMemory);
        AlgorithmChoice broadcast = AlgorithmSelector.Explain(CollectiveKind.Broadcast, DataType.Float32, 256 << 20, topology, Defaults).Winner;
        // A chain of 7 hops fills sooner with chunks below 1 MiB; each chunk step still carries far more than alpha.
        Assert.InRange(broadcast.ChunkBytes, AlgorithmSelector.MinPipelineChunk, (1 << 20) - 1);
        double configured = CostModel.Predict(CollectiveKind.Broadcast, broadcast.Algorithm, DataType.Float32, 256 << 20, topology, Defaults)!.Value;
        Assert.True(broadcast.PredictedSeconds < configured);
        AlgorithmChoice allReduce = AlgorithmSelector.Explain(CollectiveKind.AllReduce, DataType.Float32, 256 << 20, topology, Defaults).Winner;
        Assert.Equal(CommunicatorOptions.DefaultChunkBytes, allReduce.ChunkBytes);
    }

    [Fact]
    public void AForcedAlgorithmWinsOverTheModel()
    {
        AlgorithmOverrides tree = AlgorithmOverrides.Parse("tree");
        JobTopology topology = JobTopology.SingleHost(8, LinkClass.SharedMemory);
        Assert.Equal(Algorithm.Tree, AlgorithmSelector.Choose(CollectiveKind.AllReduce, DataType.Float32, 1 << 30, topology, Defaults, tree, 1 << 20).Algorithm);
        Assert.Equal(Algorithm.Tree, AlgorithmSelector.Choose(CollectiveKind.Broadcast, DataType.Float32, 1 << 30, topology, Defaults, tree, 1 << 20).Algorithm);
        // All-gather has no tree: it chooses as usual.
        Assert.Equal(Algorithm.Ring, AlgorithmSelector.Choose(CollectiveKind.AllGather, DataType.Float32, 1, topology, Defaults, tree, 1 << 20).Algorithm);
    }

    [Fact]
    public void PairsForceOneCollectiveEach()
    {
        AlgorithmOverrides overrides = AlgorithmOverrides.Parse(" AllReduce = hd ; broadcast:ring ");
        Assert.True(overrides.TryGet(CollectiveKind.AllReduce, out Algorithm allReduce));
        Assert.Equal(Algorithm.HalvingDoubling, allReduce);
        Assert.True(overrides.TryGet(CollectiveKind.Broadcast, out Algorithm broadcast));
        Assert.Equal(Algorithm.Ring, broadcast);
        Assert.False(overrides.TryGet(CollectiveKind.Reduce, out _));
        Assert.True(AlgorithmOverrides.Parse("allreduce=hierarchical").TryGet(CollectiveKind.AllReduce, out Algorithm hierarchical));
        Assert.Equal(Algorithm.Hierarchical, hierarchical);
        Assert.True(AlgorithmOverrides.Parse("allreduce=2d-ring").TryGet(CollectiveKind.AllReduce, out Algorithm twoD));
        Assert.Equal(Algorithm.TwoDimensionalRing, twoD);
    }

    [Theory]
    [InlineData("reduce=ring", "Reduce has no 'ring' algorithm")]
    [InlineData("gossip", "unknown algorithm 'gossip'")]
    [InlineData("allsum=ring", "unknown collective 'allsum'")]
    public void ImpossibleOverridesListThePossibleOnes(string text, string problem)
    {
        var error = Assert.Throws<ArgumentException>(() => AlgorithmOverrides.Parse(text));
        Assert.Contains(problem, error.Message);
        Assert.Contains("reduce: tree", error.Message);
        Assert.Contains("alltoall: pairwise", error.Message);
    }
}
