using Collectives.Cli.Perf;
using Collectives.Kernels;

namespace Collectives.Tests.Cli;

/// <summary>The sizes a sweep visits and how each collective rounds them, as nccl-tests does.</summary>
public sealed class SizeSweepTests
{
    [Fact]
    public void EightBytesTo256MegabytesByDoublingIs26Sizes()
    {
        IReadOnlyList<long> sizes = SizeSweep.Sizes(8, 256L << 20, 2, 0);
        Assert.Equal(26, sizes.Count);
        Assert.Equal(8, sizes[0]);
        Assert.Equal(256L << 20, sizes[^1]);
        Assert.All(sizes.Skip(1).Zip(sizes), pair => Assert.Equal(pair.Second * 2, pair.First));
    }

    [Theory]
    [InlineData(8L, 64L << 10, 8, new long[] { 8, 64, 512, 4096, 32768 })]
    [InlineData(8L, 8L, 2, new long[] { 8 })]
    [InlineData(1000L, 5000L, 2, new long[] { 1000, 2000, 4000 })]
    [InlineData(3L, 100L, 3, new long[] { 3, 9, 27, 81 })]
    public void StopsAtTheLastSizeNotAboveMax(long min, long max, int factor, long[] expected) =>
        Assert.Equal(expected, SizeSweep.Sizes(min, max, factor, 0));

    [Fact]
    public void HugeFactorsDoNotOverflow() => Assert.Equal([1L << 40, 1L << 60], SizeSweep.Sizes(1L << 40, long.MaxValue, 1 << 20, 0));

    [Theory]
    // allreduce, broadcast, reduce: whole elements only.
    [InlineData(CollectiveKind.AllReduce, 8L, 3, 4, 8L, 2L, 2, 2)]
    [InlineData(CollectiveKind.AllReduce, 10L, 3, 4, 8L, 2L, 2, 2)]
    [InlineData(CollectiveKind.Broadcast, 7L, 2, 2, 6L, 3L, 3, 3)]
    [InlineData(CollectiveKind.Reduce, 4096L, 5, 8, 4096L, 512L, 512, 512)]
    // reduce-scatter: the size is the input (ranks × block), count the block each rank receives.
    [InlineData(CollectiveKind.ReduceScatter, 64L, 3, 4, 60L, 5L, 15, 5)]
    [InlineData(CollectiveKind.ReduceScatter, 8L, 3, 4, 0L, 0L, 0, 0)]
    // all-gather: the size is the output (ranks × block), count the block each rank sends.
    [InlineData(CollectiveKind.AllGather, 64L, 3, 4, 60L, 5L, 5, 15)]
    [InlineData(CollectiveKind.AllGather, 1024L, 2, 2, 1024L, 256L, 256, 512)]
    // all-to-all: the size is the buffer (ranks × block), count the block per peer.
    [InlineData(CollectiveKind.AllToAll, 64L, 3, 4, 60L, 5L, 15, 15)]
    [InlineData(CollectiveKind.AllToAll, 32768L, 2, 8, 32768L, 2048L, 4096, 4096)]
    public void LayoutRoundsDownToWholeElementsAndBlocks(CollectiveKind kind, long requested, int ranks, int elementSize,
        long size, long count, int send, int receive)
    {
        CollectiveLayout layout = CollectiveLayout.For(kind, requested, ranks, elementSize);
        Assert.Equal((size, count, send, receive), (layout.SizeBytes, layout.Count, layout.SendCount, layout.ReceiveCount));
        Assert.Equal(0, layout.SizeBytes % elementSize);
        if (kind is CollectiveKind.ReduceScatter or CollectiveKind.AllGather or CollectiveKind.AllToAll)
        {
            Assert.Equal(0, layout.SizeBytes % ((long)ranks * elementSize));
        }
    }

    [Fact]
    public void LayoutsFollowTheOptions()
    {
        var options = new PerfOptions
        {
            Collective = CollectiveKind.AllGather, MinBytes = 8, MaxBytes = 1 << 10, StepFactor = 2, Ranks = 3, DataType = DataType.Float64,
        };
        IReadOnlyList<CollectiveLayout> layouts = SizeSweep.Layouts(options);
        Assert.Equal(8, layouts.Count);
        Assert.Equal([0L, 0, 24, 48, 120, 240, 504, 1008], layouts.Select(l => l.SizeBytes));
    }
}
