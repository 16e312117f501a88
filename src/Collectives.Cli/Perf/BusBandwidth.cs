namespace Collectives.Cli.Perf;

/// <summary>
/// nccl-tests' bandwidth definitions (DESIGN.md, Numbers). algbw is bytes over time; busbw
/// scales it by what each rank's busiest link must carry, so it compares with link speed
/// whatever the rank count.
/// </summary>
internal static class BusBandwidth
{
    /// <summary>GB = 1e9 bytes, as nccl-tests.</summary>
    private const double BytesPerGigabyte = 1e9;

    /// <summary>busbw / algbw for a collective over <paramref name="ranks"/> ranks.</summary>
    public static double Factor(CollectiveKind kind, int ranks) => kind switch
    {
        CollectiveKind.AllReduce => 2.0 * (ranks - 1) / ranks,
        CollectiveKind.ReduceScatter or CollectiveKind.AllGather or CollectiveKind.AllToAll => (double)(ranks - 1) / ranks,
        CollectiveKind.Broadcast or CollectiveKind.Reduce => 1.0,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "no bus-bandwidth factor for this operation"),
    };

    /// <summary>algbw in GB/s: <paramref name="bytes"/> (the size column) moved in <paramref name="microseconds"/>.</summary>
    public static double AlgBw(long bytes, double microseconds) =>
        microseconds > 0 ? bytes / BytesPerGigabyte / (microseconds * 1e-6) : 0;

    /// <summary>busbw in GB/s.</summary>
    public static double BusBw(CollectiveKind kind, int ranks, long bytes, double microseconds) =>
        AlgBw(bytes, microseconds) * Factor(kind, ranks);
}
