using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace Collectives.Benchmarks.SharedMemory;

/// <summary>
/// In-process (the peer thread and the link live in the benchmark's own process) and short, for
/// a noisy 2-core machine; GB/s from the payload bytes per operation.
/// </summary>
public sealed class SharedMemoryBenchmarkConfig : ManualConfig
{
    private const int WarmupIterations = 3;
    private const int MeasuredIterations = 15;
    private const int IterationMilliseconds = 250;

    public SharedMemoryBenchmarkConfig()
    {
        AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(WarmupIterations)
            .WithIterationCount(MeasuredIterations)
            .WithIterationTime(TimeInterval.FromMilliseconds(IterationMilliseconds))
            .WithId("Shm"));
        AddColumn(new TouchedThroughputColumn(best: false), new TouchedThroughputColumn(best: true));
        AddColumn(StatisticColumn.Min, StatisticColumn.P90);
        SummaryStyle = SummaryStyle.Default.WithTimeUnit(TimeUnit.Microsecond);
        WithOptions(ConfigOptions.DisableOptimizationsValidator);
    }
}
