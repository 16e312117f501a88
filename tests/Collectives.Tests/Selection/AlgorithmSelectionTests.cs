using Collectives.Selection;

namespace Collectives.Tests.Selection;

/// <summary>The interim size rule and the override parser.</summary>
public sealed class AlgorithmSelectionTests
{
    [Theory]
    [InlineData(8, 8, Algorithm.RecursiveDoubling)]
    [InlineData(8, 16 << 10, Algorithm.RecursiveDoubling)]
    [InlineData(8, (16 << 10) + 1, Algorithm.HalvingDoubling)]
    [InlineData(8, 1 << 20, Algorithm.HalvingDoubling)]
    [InlineData(8, 64 << 20, Algorithm.Ring)]
    [InlineData(2, 8, Algorithm.RecursiveDoubling)]
    [InlineData(2, (16 << 10) + 1, Algorithm.Ring)]
    public void AllReduceByMessageSize(int ranks, long bytes, Algorithm expected) =>
        Assert.Equal(expected, InterimAlgorithmRule.Choose(CollectiveKind.AllReduce, bytes, ranks, AlgorithmOverrides.None));

    [Fact]
    public void OtherCollectivesPickTheirAlgorithm()
    {
        Assert.Equal(Algorithm.Tree, InterimAlgorithmRule.Choose(CollectiveKind.Broadcast, 1024, 8, AlgorithmOverrides.None));
        Assert.Equal(Algorithm.Ring, InterimAlgorithmRule.Choose(CollectiveKind.Broadcast, 64 << 20, 8, AlgorithmOverrides.None));
        Assert.Equal(Algorithm.Pairwise, InterimAlgorithmRule.Choose(CollectiveKind.AllToAll, 1024, 8, AlgorithmOverrides.None));
        Assert.Equal(Algorithm.Dissemination, InterimAlgorithmRule.Choose(CollectiveKind.Barrier, 0, 8, AlgorithmOverrides.None));
    }

    [Fact]
    public void OneNameForcesEveryCollectiveThatHasIt()
    {
        AlgorithmOverrides tree = AlgorithmOverrides.Parse("tree");
        Assert.Equal(Algorithm.Tree, InterimAlgorithmRule.Choose(CollectiveKind.AllReduce, 1 << 30, 8, tree));
        Assert.Equal(Algorithm.Tree, InterimAlgorithmRule.Choose(CollectiveKind.Broadcast, 1 << 30, 8, tree));
        // All-gather has no tree: it chooses as usual.
        Assert.Equal(Algorithm.Ring, InterimAlgorithmRule.Choose(CollectiveKind.AllGather, 1, 8, tree));
    }

    [Fact]
    public void PairsForceOneCollectiveEach()
    {
        AlgorithmOverrides overrides = AlgorithmOverrides.Parse(" AllReduce = hd ; broadcast:ring ");
        Assert.Equal(Algorithm.HalvingDoubling, InterimAlgorithmRule.Choose(CollectiveKind.AllReduce, 8, 8, overrides));
        Assert.Equal(Algorithm.Ring, InterimAlgorithmRule.Choose(CollectiveKind.Broadcast, 8, 8, overrides));
        Assert.Equal(Algorithm.Tree, InterimAlgorithmRule.Choose(CollectiveKind.Reduce, 8, 8, overrides));
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
