using System.Globalization;
using Collectives.Cli.CommandLine;
using Collectives.Cli.Perf;

namespace Collectives.Cli.Tune;

/// <summary>Turns <c>collectives tune</c>'s arguments into <see cref="TuneOptions"/>; every error names the flag and what is allowed.</summary>
internal static class TuneOptionsParser
{
    /// <summary>Largest size tune measures: buffers of this size are allocated per rank.</summary>
    public const long MaxSize = 256L << 20;

    /// <exception cref="UsageException">The arguments are not a valid tune command line.</exception>
    public static TuneOptions Parse(IReadOnlyList<string> args)
    {
        var options = new TuneOptions();
        foreach (ParsedArgument argument in ArgumentReader.Read(args, TuneFlags.All, "tune"))
        {
            string value = argument.Value ?? "";
            FlagSpec? flag = argument.Flag;
            if (flag is null)
            {
                throw new UsageException($"tune takes no positional argument ('{value}').");
            }
            if (flag == TuneFlags.Help)
            {
                options = options with { Help = true };
            }
            else if (flag == TuneFlags.Quick)
            {
                options = options with { Quick = true };
            }
            else if (flag == TuneFlags.Output)
            {
                options = options with { OutputPath = value.Length > 0 ? value : throw new UsageException($"{flag.Display} needs a path.") };
            }
            else if (flag == TuneFlags.Transports)
            {
                options = options with { Transports = ParseTransports(value, flag), TransportsGiven = true };
            }
            else if (flag == TuneFlags.Sizes)
            {
                options = options with { Sizes = ParseSizes(value, flag) };
            }
            else if (flag == TuneFlags.Timeout)
            {
                options = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds > 0 && seconds <= 86400
                    ? options with { Timeout = TimeSpan.FromSeconds(seconds) }
                    : throw new UsageException($"invalid timeout '{value}' for {flag.Display}; use seconds, more than 0 and at most 86400.");
            }
        }
        return options;
    }

    private static List<string> ParseTransports(string value, FlagSpec flag)
    {
        var names = new List<string>();
        foreach (string part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string name = part.ToLowerInvariant() is "in-process" or "inproc" ? PerfOptions.InProcessTransport : part.ToLowerInvariant();
            if (!PerfOptions.Transports.Contains(name))
            {
                throw new UsageException($"unknown transport '{part}' for {flag.Display}; use {string.Join(", ", PerfOptions.Transports)}.");
            }
            if (!names.Contains(name))
            {
                names.Add(name);
            }
        }
        return names.Count > 0 ? names : throw new UsageException($"{flag.Display} needs at least one transport.");
    }

    private static long[] ParseSizes(string value, FlagSpec flag)
    {
        long[] sizes = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => SizeParser.TryParse(s, out long bytes) && bytes >= 64 && bytes <= MaxSize ? bytes
                : throw new UsageException($"bad size '{s}' in {flag.Display}; use 64 to {SizeParser.Format(MaxSize)}, {SizeParser.Syntax}."))
            .Distinct().Order().ToArray();
        return sizes.Length > 0 ? sizes : throw new UsageException($"{flag.Display} needs at least one size.");
    }
}
