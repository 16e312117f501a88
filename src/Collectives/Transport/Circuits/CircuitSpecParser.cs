using System.Globalization;
using Collectives.Optical.Planning;
using Collectives.Optical.Switches;

namespace Collectives.Transport.Circuits;

/// <summary>
/// Parses a circuit spec such as <c>switch=fast-ocs,reconfig=50us,bandwidth=1GB/s,degree=1,plan=matchings</c>:
/// comma-separated <c>key=value</c> pairs, each key at most once, every key optional. Text that
/// starts with <c>@</c> names a file holding the same pairs (one or more per line, <c>#</c> starts
/// a comment). Hand-written and bounded; anything wrong is an <see cref="ArgumentException"/> whose
/// message names the part and says what is allowed.
/// </summary>
public static class CircuitSpecParser
{
    public const string SwitchKey = "switch";
    public const string ReconfigurationKey = "reconfig";
    public const string BandwidthKey = "bandwidth";
    public const string DegreeKey = "degree";
    public const string HopKey = "hop";
    public const string ForwardKey = "forward";
    public const string PlanKey = "plan";

    /// <summary>Longest spec accepted (after reading a file): far above any real one, low enough that garbage costs nothing.</summary>
    public const int MaxLength = 1024;

    /// <summary>Most ports per node accepted: more than any circuit-switched design publishes.</summary>
    public const int MaxDegree = 64;

    /// <summary>Slowest port accepted: at 1 MB/s one full frame (1 MiB) already takes a second.</summary>
    public const double MinBandwidth = 1e6;

    /// <summary>Fastest port accepted: beyond it the emulated time hides beneath the real transport's, which then sets the pace.</summary>
    public const double MaxBandwidth = 1e12;

    /// <summary>Longest hop or forwarding delay accepted.</summary>
    public const double MaxHopSeconds = 0.1;

    private const int MaxNumberLength = SpecSyntax.MaxNumberLength;

    public static string Syntax { get; } =
        "comma-separated key=value pairs, each optional: switch=NAME (" + string.Join(", ", OpticalSwitchPresets.All.Select(s => s.Name)) +
        "; default fast-ocs), reconfig=D (the switch's change time, e.g. 0us, 50us, 1ms, 10ms; at most 10 s; default the preset's), " +
        "bandwidth=R (per port, e.g. 1GB/s, 500MB/s, 8Gb/s; 1MB/s to 1TB/s; default 1GB/s), degree=N (ports per node, 1..64; default 1), " +
        "hop=D (per circuit crossed; default 0.5us), forward=D (per relaying node; default 5us), " +
        "plan=ring|rings|matchings|auto (static ring, coprime-stride rings, halving-doubling's per-step matchings, or auto: " +
        "each call on the plan of the algorithm the selector picks, a ring holding the static ring and halving-doubling walking its matchings; default ring); " +
        "or @FILE holding the same pairs; e.g. switch=fast-ocs,reconfig=50us,bandwidth=1GB/s,plan=matchings";

    /// <exception cref="ArgumentException">The spec (or its file) is empty, too long, unreadable, or has an unknown, repeated or malformed part.</exception>
    public static CircuitSpec Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw Error("the circuit spec is empty");
        }
        text = text.Trim();
        if (text.StartsWith('@'))
        {
            text = ReadFile(text[1..]);
        }
        if (text.Length > MaxLength)
        {
            throw Error($"the circuit spec is {text.Length} characters long; at most {MaxLength} are accepted");
        }
        var spec = new CircuitSpec();
        foreach ((string key, string value) in SpecSyntax.Pairs(text, Error))
        {
            spec = key switch
            {
                SwitchKey => spec with { Switch = OpticalSwitchPresets.Find(value) ?? throw Error($"switch={value} is not a switch preset") },
                ReconfigurationKey => spec with { ReconfigurationSeconds = ParseDuration(key, value, CircuitSpec.MaxReconfigurationSeconds) },
                BandwidthKey => spec with { PortBandwidth = ParseBandwidth(value) },
                DegreeKey => spec with { Degree = ParseDegree(value) },
                HopKey => spec with { HopDelay = ParseDuration(key, value, MaxHopSeconds) },
                ForwardKey => spec with { HostForwarding = ParseDuration(key, value, MaxHopSeconds) },
                PlanKey => spec with { Plan = ParsePlan(value) },
                _ => throw Error($"'{key}' is not a circuit setting"),
            };
        }
        if (spec.ReconfigurationSeconds is null && spec.Switch.ReconfigurationSeconds(p99: false) > CircuitSpec.MaxReconfigurationSeconds)
        {
            throw Error($"switch={spec.Switch.Name} changes in {spec.Switch.ReconfigurationSeconds(false)} s, more than {CircuitSpec.MaxReconfigurationSeconds} s; give reconfig=");
        }
        return spec;
    }

    /// <summary>Parse without exceptions: false with the message for anything <see cref="Parse"/> rejects.</summary>
    public static bool TryParse(string? text, out CircuitSpec? spec, out string? error) => SpecSyntax.TryParse(Parse, text, out spec, out error);

    /// <summary>The name <see cref="Parse"/> reads for <paramref name="plan"/>.</summary>
    public static string PlanName(CircuitPlanKind plan) => CircuitPlanConfigurations.Name(plan);

    private static CircuitPlanKind ParsePlan(string value) => value.ToLowerInvariant() switch
    {
        "ring" => CircuitPlanKind.Ring,
        "rings" or "multi-ring" => CircuitPlanKind.Rings,
        "matchings" or "halving-doubling" => CircuitPlanKind.Matchings,
        "auto" => CircuitPlanKind.Auto,
        _ => throw Error($"plan={value} is not a plan; say ring, rings, matchings or auto"),
    };

    private static int ParseDegree(string value) =>
        value.Length is > 0 and <= MaxNumberLength && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int degree) &&
        degree is >= 1 and <= MaxDegree
            ? degree
            : throw Error($"degree={value} is not a whole number of ports from 1 to {MaxDegree}");

    private static double ParseBandwidth(string value)
    {
        string lower = value.ToLowerInvariant();
        // Longest suffixes first, so "gb/s" is not read as "b/s".
        (string Suffix, double Scale)[] units = [("tb/s", 1e12), ("gb/s", 1e9), ("mb/s", 1e6), ("kb/s", 1e3), ("b/s", 1)];
        foreach ((string suffix, double scale) in units)
        {
            if (lower.EndsWith(suffix, StringComparison.Ordinal))
            {
                // With a prefix, a small b is bits ("8Gb/s", the way links are sold) and a capital B bytes ("1GB/s").
                bool bits = suffix.Length == 4 && value[^3] == 'b';
                string number = lower[..^suffix.Length];
                if (number.Length is > 0 and <= MaxNumberLength &&
                    double.TryParse(number, NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out double amount))
                {
                    double bytesPerSecond = amount * scale / (bits ? 8 : 1);
                    if (double.IsFinite(bytesPerSecond) && bytesPerSecond is >= MinBandwidth and <= MaxBandwidth)
                    {
                        return bytesPerSecond;
                    }
                }
                break;
            }
        }
        throw Error($"bandwidth={value} is not a port bandwidth such as 1GB/s, 500MB/s or 8Gb/s between 1MB/s and 1TB/s");
    }

    /// <summary>A number with a unit (ns, us, ms, s), in seconds.</summary>
    private static double ParseDuration(string key, string value, double maxSeconds) =>
        SpecSyntax.Seconds(value) is double seconds && seconds <= maxSeconds
            ? seconds
            : throw Error(string.Create(CultureInfo.InvariantCulture,
                $"{key}={value} is not a duration such as 0us, 500ns, 50us or 2ms of at most {maxSeconds} s"));

    private static string ReadFile(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw Error("'@' must be followed by the path of a file holding the spec");
        }
        string[] lines;
        try
        {
            var info = new FileInfo(path);
            if (info.Exists && info.Length > MaxLength * 4)
            {
                throw Error($"the file {path} is {info.Length} bytes long; a circuit spec file holds at most {MaxLength * 4}");
            }
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Error($"the file {path} cannot be read ({e.Message})");
        }
        IEnumerable<string> pairs = lines
            .Select(line => line.Contains('#', StringComparison.Ordinal) ? line[..line.IndexOf('#', StringComparison.Ordinal)] : line)
            .SelectMany(line => line.Split(','))
            .Select(part => part.Trim())
            .Where(part => part.Length > 0);
        string joined = string.Join(",", pairs);
        return joined.Length == 0 ? throw Error($"the file {path} holds no key=value pairs") : joined;
    }

    private static ArgumentException Error(string problem) => new($"Bad circuit spec: {problem}. Expected {Syntax}.");
}
