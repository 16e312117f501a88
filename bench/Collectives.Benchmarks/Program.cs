using BenchmarkDotNet.Running;

namespace Collectives.Benchmarks;

/// <summary>The one entry point for every benchmark in this project; pick with --filter.</summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
