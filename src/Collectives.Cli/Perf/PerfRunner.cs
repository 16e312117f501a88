using Collectives.Kernels;

namespace Collectives.Cli.Perf;

/// <summary>Runs a perf sweep for the element type the options name (the one generic dispatch point).</summary>
internal static class PerfRunner
{
    /// <summary>Runs the sweep on the ranks this process holds (all of an in-process group, or one of a job).</summary>
    public static Task<PerfSummary> RunAsync(PerfOptions options, IReadOnlyList<Communicator> ranks, IPerfReporter reporter,
        CancellationToken cancellationToken) =>
        options.DataType switch
        {
            DataType.Float32 => new PerfBenchmark<float>(options).RunAsync(ranks, reporter, cancellationToken),
            DataType.Float64 => new PerfBenchmark<double>(options).RunAsync(ranks, reporter, cancellationToken),
            DataType.Float16 => new PerfBenchmark<Half>(options).RunAsync(ranks, reporter, cancellationToken),
            DataType.BFloat16 => new PerfBenchmark<BFloat16>(options).RunAsync(ranks, reporter, cancellationToken),
            DataType.Int8 => new PerfBenchmark<sbyte>(options).RunAsync(ranks, reporter, cancellationToken),
            DataType.UInt8 => new PerfBenchmark<byte>(options).RunAsync(ranks, reporter, cancellationToken),
            DataType.Int32 => new PerfBenchmark<int>(options).RunAsync(ranks, reporter, cancellationToken),
            DataType.UInt32 => new PerfBenchmark<uint>(options).RunAsync(ranks, reporter, cancellationToken),
            DataType.Int64 => new PerfBenchmark<long>(options).RunAsync(ranks, reporter, cancellationToken),
            DataType.UInt64 => new PerfBenchmark<ulong>(options).RunAsync(ranks, reporter, cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.DataType, "not a defined DataType"),
        };

    /// <summary>Runs the sweep on <see cref="PerfOptions.Ranks"/> ranks in this process over the in-process transport.</summary>
    public static async Task<PerfSummary> RunInProcessAsync(PerfOptions options, IPerfReporter reporter, CancellationToken cancellationToken)
    {
        Communicator[] group = Communicator.CreateLocalGroup(options.Ranks, options.ToCommunicatorOptions());
        try
        {
            return await RunAsync(options, group, reporter, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            foreach (Communicator communicator in group)
            {
                await communicator.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
