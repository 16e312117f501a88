using Collectives.Cli.Perf;

namespace Collectives.Tests.Cli;

/// <summary>nccl-tests' busbw factors and GB = 1e9 B (DESIGN.md, Numbers).</summary>
public sealed class BusBandwidthTests
{
    [Theory]
    [InlineData(CollectiveKind.AllReduce, 1, 0.0)]
    [InlineData(CollectiveKind.AllReduce, 2, 1.0)]
    [InlineData(CollectiveKind.AllReduce, 4, 1.5)]
    [InlineData(CollectiveKind.AllReduce, 8, 1.75)]
    [InlineData(CollectiveKind.ReduceScatter, 2, 0.5)]
    [InlineData(CollectiveKind.ReduceScatter, 4, 0.75)]
    [InlineData(CollectiveKind.AllGather, 4, 0.75)]
    [InlineData(CollectiveKind.AllGather, 8, 0.875)]
    [InlineData(CollectiveKind.AllToAll, 2, 0.5)]
    [InlineData(CollectiveKind.AllToAll, 16, 0.9375)]
    [InlineData(CollectiveKind.Broadcast, 2, 1.0)]
    [InlineData(CollectiveKind.Broadcast, 7, 1.0)]
    [InlineData(CollectiveKind.Reduce, 7, 1.0)]
    public void Factors(CollectiveKind kind, int ranks, double factor) => Assert.Equal(factor, BusBandwidth.Factor(kind, ranks), 12);

    [Fact]
    public void AllReduceOfThreeRanksScalesByFourThirds() =>
        Assert.Equal(4.0 / 3.0, BusBandwidth.Factor(CollectiveKind.AllReduce, 3), 12);

    [Fact]
    public void AlgorithmBandwidthIsBytesPerNanosecond()
    {
        // 1e9 bytes in one second is 1 GB/s; 1 MiB in 100 µs is 10.48576 GB/s.
        Assert.Equal(1.0, BusBandwidth.AlgBw(1_000_000_000, 1e6), 12);
        Assert.Equal(10.48576, BusBandwidth.AlgBw(1 << 20, 100), 9);
        Assert.Equal(2 * 10.48576 * 3 / 4, BusBandwidth.BusBw(CollectiveKind.AllReduce, 4, 1 << 20, 100), 9);
        Assert.Equal(0, BusBandwidth.AlgBw(1024, 0));
    }

    [Fact]
    public void SummaryAveragesBusBandwidthOverRowsAndBothPlacements()
    {
        CollectiveLayout layout = CollectiveLayout.For(CollectiveKind.AllReduce, 8, 2, 4);
        PerfRow[] rows =
        [
            new(layout, "float", "sum", -1, new(1, 0, 1.0, 0), new(1, 0, 2.0, 0)),
            new(layout, "float", "sum", -1, new(1, 0, 3.0, 1), new(1, 0, 6.0, 2)),
        ];
        PerfSummary summary = PerfSummary.Of(rows, checkedResults: true);
        Assert.Equal(3.0, summary.AverageBusBw, 12);
        Assert.Equal(3, summary.Wrong);
        Assert.False(summary.Passed);
        Assert.Null(PerfSummary.Of(rows, checkedResults: false).Wrong);
    }

    [Theory]
    [InlineData(0.1234, "   0.12")]
    [InlineData(99.999, " 100.00")]
    [InlineData(123.456, "  123.5")]
    [InlineData(9999.94, " 9999.9")]
    [InlineData(12345.6, "  12346")]
    public void TimeUsesNcclTestsPrecision(double microseconds, string expected) =>
        Assert.Equal(expected, PerfTable.FormatTime(microseconds));
}
