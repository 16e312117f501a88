using System.Globalization;
using System.Reflection;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Collectives.Benchmarks;

/// <summary>
/// Throughput in GB/s (1e9 bytes) of touched memory, the unit membw and DESIGN.md use:
/// buffers touched (from <see cref="TouchedBytesAttribute"/>) × the <c>Bytes</c> parameter ÷ time.
/// One column from the median time, one from the fastest iteration (membw reports its best).
/// </summary>
public sealed class TouchedThroughputColumn(bool best) : IColumn
{
    public string Id => best ? "TouchedGBpsBest" : "TouchedGBpsMedian";

    public string ColumnName => best ? "GB/s best" : "GB/s median";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => best ? 1 : 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => $"GB/s (1e9 B) of touched memory (buffers touched × Bytes ÷ {(best ? "fastest" : "median")} time)";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        BenchmarkReport? report = summary[benchmarkCase];
        TouchedBytesAttribute? touched = benchmarkCase.Descriptor.WorkloadMethod.GetCustomAttribute<TouchedBytesAttribute>();
        object? bytes = benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == "Bytes")?.Value;
        if (report?.ResultStatistics is not { } stats || touched is null || bytes is not int size)
        {
            return "-";
        }

        double nanoseconds = best ? stats.Min : stats.Median;
        return (touched.BuffersTouched * (double)size / nanoseconds).ToString("F1", CultureInfo.InvariantCulture);
    }

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;
}
