namespace Collectives.Cli.Tune;

/// <summary>
/// How much <c>collectives tune</c> measures. Sizes are the call sizes the profile's curves are
/// keyed by (an all-reduce of S bytes is priced with beta(S) and gamma(S)); between them the
/// cost curve interpolates in log(size), so the full schedule puts a point every factor of 4
/// across the cache-to-DRAM transition, where cost per byte changes fastest.
/// </summary>
/// <param name="Rounds">Timed rounds per size; the median round is kept, so a round hit by another process's burst drops out.</param>
/// <param name="RoundBytes">Bytes one round moves per direction (repetitions = this / block, 1 to 64): small sizes repeat enough to be timed.</param>
internal sealed record TuneSchedule(IReadOnlyList<long> Sizes, int Rounds, long RoundBytes)
{
    public static TuneSchedule Full { get; } = new([64 << 10, 256 << 10, 1 << 20, 4 << 20, 16 << 20, 64 << 20], 9, 64L << 20);

    public static TuneSchedule Quick { get; } = new([64 << 10, 1 << 20], 3, 4L << 20);

    /// <summary>Most repetitions of one round, so a round of a tiny size stays short too.</summary>
    public const int MaxRepetitions = 64;

    /// <summary>Back-to-back repetitions of a <paramref name="bytes"/>-long transfer or reduction in one round.</summary>
    public int RepetitionsFor(long bytes) => (int)Math.Clamp(RoundBytes / Math.Max(1, bytes), 1, MaxRepetitions);
}
