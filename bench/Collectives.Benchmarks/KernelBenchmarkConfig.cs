using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace Collectives.Benchmarks;

/// <summary>
/// A short job sized for a noisy 2-core machine: the whole kernel run (30 cases) finishes in a
/// few minutes. In-process, so the run does not rebuild the solution while another build runs.
/// </summary>
public sealed class KernelBenchmarkConfig : ManualConfig
{
    private const int WarmupIterations = 3;
    private const int MeasuredIterations = 15;
    // Long enough for several 256 MiB operations (tens of ms each) per iteration.
    private const int IterationMilliseconds = 200;

    public KernelBenchmarkConfig()
    {
        AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(WarmupIterations)
            .WithIterationCount(MeasuredIterations)
            .WithIterationTime(TimeInterval.FromMilliseconds(IterationMilliseconds))
            .WithId("Short"));
        AddColumn(new TouchedThroughputColumn(best: false), new TouchedThroughputColumn(best: true));
        SummaryStyle = SummaryStyle.Default.WithTimeUnit(TimeUnit.Microsecond);
        WithOptions(ConfigOptions.DisableOptimizationsValidator);
    }
}
