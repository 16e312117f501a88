using BenchmarkDotNet.Columns;

namespace Collectives.Benchmarks.Tcp;

/// <summary>Loopback links in the benchmark's own process; median and min time beside the throughput.</summary>
public sealed class TcpBenchmarkConfig()
    : ShortBenchmarkConfig("Short", iterationMilliseconds: 250, StatisticColumn.Median, StatisticColumn.Min);
