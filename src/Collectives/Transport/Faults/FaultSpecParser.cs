using System.Globalization;

namespace Collectives.Transport.Faults;

/// <summary>
/// Parses a fault spec such as <c>seed=42,delay=2ms,jitter=1ms,drop-after=500,corrupt=0.001</c>:
/// comma-separated <c>key=value</c> pairs, each key at most once. Hand-written and bounded
/// (DESIGN.md: no parser trusts its input); anything wrong is an <see cref="ArgumentException"/>
/// whose message names the part and says what is allowed.
/// </summary>
public static class FaultSpecParser
{
    public const string SeedKey = "seed";
    public const string DelayKey = "delay";
    public const string JitterKey = "jitter";
    public const string DropAfterKey = "drop-after";
    public const string DropKey = "drop";
    public const string CorruptKey = "corrupt";
    public const string RankKey = "rank";

    /// <summary>Longest spec accepted: far above any real one, low enough that garbage costs nothing.</summary>
    public const int MaxLength = 512;

    private const int MaxNumberLength = SpecSyntax.MaxNumberLength;

    public const string Syntax =
        "comma-separated key=value pairs: seed=N (0..2^64-1), delay=D and jitter=D (a number with us, ms or s; " +
        "delay + jitter at most 10 s), drop-after=N (frames sent on a link before it is dropped, 1..10^12), " +
        "drop=P and corrupt=P (probability per frame, 0..1), rank=R (only rank R's links); " +
        "e.g. seed=42,delay=2ms,jitter=1ms,drop-after=500,corrupt=0.001";

    /// <exception cref="ArgumentException">The spec is empty, too long, or has an unknown, repeated or malformed part.</exception>
    public static FaultSpec Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw Error("the fault spec is empty");
        }
        if (text.Length > MaxLength)
        {
            throw Error($"the fault spec is {text.Length} characters long; at most {MaxLength} are accepted");
        }
        var spec = new FaultSpec();
        foreach ((string key, string value) in SpecSyntax.Pairs(text, Error))
        {
            spec = key switch
            {
                SeedKey => spec with { Seed = ParseSeed(value) },
                DelayKey => spec with { Delay = ParseDuration(key, value) },
                JitterKey => spec with { Jitter = ParseDuration(key, value) },
                DropAfterKey => spec with { DropAfterFrames = ParseWhole(key, value, 1, 1_000_000_000_000) },
                DropKey => spec with { DropProbability = ParseProbability(key, value) },
                CorruptKey => spec with { CorruptProbability = ParseProbability(key, value) },
                RankKey => spec with { OnlyEndpoint = (int)ParseWhole(key, value, 0, int.MaxValue) },
                _ => throw Error($"'{key}' is not a fault"),
            };
        }
        if (spec.Delay + spec.Jitter > FaultSpec.MaxDelay)
        {
            throw Error($"delay + jitter is {(spec.Delay + spec.Jitter).TotalMilliseconds} ms; at most {FaultSpec.MaxDelay.TotalSeconds} s, so no frame waits long enough to look like a hang");
        }
        return spec;
    }

    /// <summary>Parse without exceptions: false with the message for anything <see cref="Parse"/> rejects.</summary>
    public static bool TryParse(string? text, out FaultSpec? spec, out string? error) => SpecSyntax.TryParse(Parse, text, out spec, out error);

    private static ulong ParseSeed(string value) =>
        value.Length is > 0 and <= MaxNumberLength && ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out ulong seed)
            ? seed
            : throw Error($"seed={value} is not a whole number between 0 and {ulong.MaxValue}");

    private static long ParseWhole(string key, string value, long min, long max) =>
        value.Length is > 0 and <= MaxNumberLength && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long number) &&
        number >= min && number <= max
            ? number
            : throw Error($"{key}={value} is not a whole number between {min} and {max}");

    private static double ParseProbability(string key, string value) =>
        value.Length is > 0 and <= MaxNumberLength &&
        double.TryParse(value, NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out double p) &&
        p is >= 0 and <= 1
            ? p
            : throw Error($"{key}={value} is not a probability between 0 and 1");

    /// <summary>A number with a unit (ns, us, ms, s), rounded to whole microseconds so the canonical spec round-trips.</summary>
    private static TimeSpan ParseDuration(string key, string value) =>
        SpecSyntax.Seconds(value) is double seconds && seconds <= FaultSpec.MaxDelay.TotalSeconds
            ? TimeSpan.FromMicroseconds(Math.Round(seconds * 1e6))
            : throw Error($"{key}={value} is not a duration such as 500us, 2ms or 0.1s of at most {FaultSpec.MaxDelay.TotalSeconds} s");

    private static ArgumentException Error(string problem) => new($"Bad fault spec: {problem}. Expected {Syntax}.");
}
