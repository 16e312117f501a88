using Collectives.Selection;
using Collectives.Simulation;

namespace Collectives.Cli.Sim;

/// <summary>Everything one <c>collectives sim</c> run worked out, for the table, the JSON document and the plot alike.</summary>
internal sealed record SimReport(
    SimOptions Options,
    SimulatedFabric Fabric,
    CostProfile Profile,
    IReadOnlyList<SimulationResult> Results,
    IReadOnlyDictionary<(CollectiveKind Collective, long Bytes), IReadOnlyList<BreakEven>> BreakEvens)
{
    /// <summary>busbw in GB/s of a result, nccl-tests' definition (0 for one rank or what cannot run).</summary>
    public static double BusBandwidth(SimulationResult result) =>
        result.IsAvailable && result.Ranks > 1 ? Perf.BusBandwidth.BusBw(result.Collective, result.Ranks, result.Bytes, result.Seconds * 1e6) : 0;

    /// <summary>The fastest result for one collective and size, or null when none can run.</summary>
    public SimulationResult? Fastest(CollectiveKind collective, long bytes) =>
        Results.Where(r => r.Collective == collective && r.Bytes == bytes && r.IsAvailable).MinBy(r => r.Seconds);
}
