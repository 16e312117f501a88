using Collectives.Cli.Perf;

namespace Collectives.Tests.Cli;

/// <summary>perf cuts each size's timed iterations into interleaved blocks that add up to exactly what -n (or the budget) asked for.</summary>
public sealed class PerfBlockSizesTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(7)]
    [InlineData(20)]
    [InlineData(1001)]
    public void BlocksAddUpToTheIterationsAndDifferByOneAtMost(int iterations)
    {
        int[] blocks = PerfBenchmark<float>.BlockSizes(iterations);

        Assert.Equal(iterations, blocks.Sum());
        Assert.Equal(Math.Min(PerfBenchmark<float>.TimedBlocks, iterations), blocks.Length);
        Assert.True(blocks.Max() - blocks.Min() <= 1, string.Join(",", blocks));
        Assert.All(blocks, size => Assert.True(size >= 1));
    }

    [Fact]
    public void NoIterationsIsAnError() => Assert.Throws<ArgumentOutOfRangeException>(() => PerfBenchmark<float>.BlockSizes(0));
}
