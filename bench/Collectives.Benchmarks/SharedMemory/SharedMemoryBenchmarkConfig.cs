using BenchmarkDotNet.Columns;

namespace Collectives.Benchmarks.SharedMemory;

/// <summary>The peer thread and the link live in the benchmark's own process; latency spread shown by min and P90.</summary>
public sealed class SharedMemoryBenchmarkConfig()
    : ShortBenchmarkConfig("Shm", iterationMilliseconds: 250, StatisticColumn.Min, StatisticColumn.P90);
