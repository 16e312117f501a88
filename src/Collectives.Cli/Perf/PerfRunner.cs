using Collectives.Kernels;

namespace Collectives.Cli.Perf;

/// <summary>Runs a perf sweep for the element type the options name (the one generic dispatch point).</summary>
internal static class PerfRunner
{
    public static Task<PerfSummary> RunAsync(PerfOptions options, IPerfReporter reporter, CancellationToken cancellationToken) =>
        options.DataType switch
        {
            DataType.Float32 => new PerfBenchmark<float>(options).RunAsync(reporter, cancellationToken),
            DataType.Float64 => new PerfBenchmark<double>(options).RunAsync(reporter, cancellationToken),
            DataType.Float16 => new PerfBenchmark<Half>(options).RunAsync(reporter, cancellationToken),
            DataType.BFloat16 => new PerfBenchmark<BFloat16>(options).RunAsync(reporter, cancellationToken),
            DataType.Int8 => new PerfBenchmark<sbyte>(options).RunAsync(reporter, cancellationToken),
            DataType.UInt8 => new PerfBenchmark<byte>(options).RunAsync(reporter, cancellationToken),
            DataType.Int32 => new PerfBenchmark<int>(options).RunAsync(reporter, cancellationToken),
            DataType.UInt32 => new PerfBenchmark<uint>(options).RunAsync(reporter, cancellationToken),
            DataType.Int64 => new PerfBenchmark<long>(options).RunAsync(reporter, cancellationToken),
            DataType.UInt64 => new PerfBenchmark<ulong>(options).RunAsync(reporter, cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.DataType, "not a defined DataType"),
        };
}
