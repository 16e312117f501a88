namespace Collectives.Benchmarks;

/// <summary>
/// The kernel run (30 cases) in a few minutes; iterations long enough for several 256 MiB
/// operations (tens of ms each).
/// </summary>
public sealed class KernelBenchmarkConfig() : ShortBenchmarkConfig("Short", iterationMilliseconds: 200);
