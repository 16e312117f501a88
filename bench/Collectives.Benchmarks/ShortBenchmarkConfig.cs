using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace Collectives.Benchmarks;

/// <summary>
/// The job every benchmark here runs: short, for a noisy 2-core machine, and in-process, so a
/// run neither rebuilds the solution nor starts a second process that competes for the cores.
/// Reports throughput from <see cref="TouchedBytesAttribute"/> (median and best) in µs.
/// </summary>
public abstract class ShortBenchmarkConfig : ManualConfig
{
    private const int WarmupIterations = 3;
    private const int MeasuredIterations = 15;

    protected ShortBenchmarkConfig(string id, int iterationMilliseconds, params IColumn[] extraColumns)
    {
        AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(WarmupIterations)
            .WithIterationCount(MeasuredIterations)
            .WithIterationTime(TimeInterval.FromMilliseconds(iterationMilliseconds))
            .WithId(id));
        AddColumn(new TouchedThroughputColumn(best: false), new TouchedThroughputColumn(best: true));
        AddColumn(extraColumns);
        SummaryStyle = SummaryStyle.Default.WithTimeUnit(TimeUnit.Microsecond);
        WithOptions(ConfigOptions.DisableOptimizationsValidator);
    }
}
