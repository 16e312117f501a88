using System.Globalization;
using System.Text;

namespace Collectives.Transport.Faults;

/// <summary>
/// Which faults to inject into a job's links (COLLECTIVES_FAULTS), for tests of how the
/// library behaves on a bad network when the kernel has no netem. Parsed by
/// <see cref="FaultSpecParser"/>; <see cref="ToString"/> writes the canonical spec it parses back.
/// Every fault is drawn from a seeded generator per link, so a failing run can be replayed.
/// </summary>
public sealed record FaultSpec
{
    /// <summary>Longest delay plus jitter one frame may get: a fault must slow a job down, never hang it.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(10);

    /// <summary>Seeds every link's generator (mixed with the link's two endpoints).</summary>
    public ulong Seed { get; init; }

    /// <summary>Added before every frame is sent.</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>A further delay per frame, drawn uniformly from [0, Jitter].</summary>
    public TimeSpan Jitter { get; init; }

    /// <summary>The link is dropped (aborted, as a lost connection) when it would send frame number DropAfter + 1; null never.</summary>
    public long? DropAfterFrames { get; init; }

    /// <summary>Chance per frame that the link is dropped before the frame is sent.</summary>
    public double DropProbability { get; init; }

    /// <summary>Chance per data frame that one header field is corrupted (see <see cref="HeaderCorruption"/>).</summary>
    public double CorruptProbability { get; init; }

    /// <summary>Only this endpoint's (job-wide rank's) ends of links get faults; null: every endpoint's.</summary>
    public int? OnlyEndpoint { get; init; }

    /// <summary>Whether the end of a link at <paramref name="endpoint"/> gets faults.</summary>
    public bool AppliesTo(int endpoint) => OnlyEndpoint is null || OnlyEndpoint == endpoint;

    /// <summary>The canonical spec: every field that differs from its default, in a fixed order, durations in microseconds.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        void Add(string key, string value) => text.Append(text.Length == 0 ? "" : ",").Append(key).Append('=').Append(value);
        Add(FaultSpecParser.SeedKey, Seed.ToString(CultureInfo.InvariantCulture));
        if (Delay > TimeSpan.Zero)
        {
            Add(FaultSpecParser.DelayKey, Micros(Delay));
        }
        if (Jitter > TimeSpan.Zero)
        {
            Add(FaultSpecParser.JitterKey, Micros(Jitter));
        }
        if (DropAfterFrames is long frames)
        {
            Add(FaultSpecParser.DropAfterKey, frames.ToString(CultureInfo.InvariantCulture));
        }
        if (DropProbability > 0)
        {
            Add(FaultSpecParser.DropKey, DropProbability.ToString("R", CultureInfo.InvariantCulture));
        }
        if (CorruptProbability > 0)
        {
            Add(FaultSpecParser.CorruptKey, CorruptProbability.ToString("R", CultureInfo.InvariantCulture));
        }
        if (OnlyEndpoint is int endpoint)
        {
            Add(FaultSpecParser.RankKey, endpoint.ToString(CultureInfo.InvariantCulture));
        }
        return text.ToString();
    }

    private static string Micros(TimeSpan duration) =>
        ((long)Math.Round(duration.TotalMicroseconds)).ToString(CultureInfo.InvariantCulture) + "us";
}
