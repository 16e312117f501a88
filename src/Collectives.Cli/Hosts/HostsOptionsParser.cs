using System.Globalization;
using Collectives.Bootstrap;
using Collectives.Cli.CommandLine;

namespace Collectives.Cli.Hosts;

/// <summary>
/// Parses <c>collectives hosts run --hosts 2,1,3 [--rate 1gbit] [--transports T] [--env K=V]...
/// [--timeout 5m] [--] program [args...]</c>; anything wrong is a <see cref="UsageException"/>.
/// </summary>
internal static class HostsOptionsParser
{
    public static HostsOptions Parse(IReadOnlyList<string> args)
    {
        int[]? hosts = null;
        string? rate = null;
        TimeSpan deadline = HostsOptions.DefaultDeadline;
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        int index = 0;
        for (; index < args.Count; index++)
        {
            string arg = args[index];
            if (arg == "--")
            {
                index++;
                break;
            }
            if (!arg.StartsWith('-'))
            {
                break;
            }
            string Value() => index + 1 < args.Count ? args[++index] : throw new UsageException($"{arg} needs a value.");
            switch (arg)
            {
                case "--hosts":
                    hosts = ParseHosts(Value());
                    break;
                case "--rate":
                    rate = ParseRate(Value());
                    break;
                case "--transports":
                    environment[EnvironmentVariables.Transports] = Value();
                    break;
                case "--env":
                    string pair = Value();
                    int equals = pair.IndexOf('=', StringComparison.Ordinal);
                    if (equals <= 0)
                    {
                        throw new UsageException($"--env needs KEY=VALUE, not '{pair}'.");
                    }
                    environment[pair[..equals]] = pair[(equals + 1)..];
                    break;
                case "--timeout":
                    string text = Value();
                    deadline = DurationText.TryParse(text, out TimeSpan parsed) ? parsed
                        : throw new UsageException($"--timeout {text} is not a duration (30s, 5m, ...).");
                    break;
                default:
                    throw new UsageException($"unknown option '{arg}'.");
            }
        }
        if (hosts is null)
        {
            throw new UsageException("--hosts is required, e.g. --hosts 2,1,3 for three hosts with 2, 1 and 3 ranks.");
        }
        if (index >= args.Count)
        {
            throw new UsageException("no program to run.");
        }
        return new HostsOptions(hosts, rate, environment, deadline, args[index], args.Skip(index + 1).ToArray());
    }

    /// <summary>"2,1,3": ranks per host; "3x2" is shorthand for 2,2,2.</summary>
    internal static int[] ParseHosts(string text)
    {
        string[] parts = text.Split('x');
        int[] counts;
        if (parts.Length == 2 && Count(parts[0], HostsOptions.MaxHosts) is int hosts && Count(parts[1], HostsOptions.MaxRanksPerHost) is int each)
        {
            counts = Enumerable.Repeat(each, hosts).ToArray();
        }
        else
        {
            counts = text.Split(',').Select(p => Count(p, HostsOptions.MaxRanksPerHost) ?? 0).ToArray();
        }
        if (counts.Length is 0 or > HostsOptions.MaxHosts || counts.Any(c => c < 1))
        {
            throw new UsageException($"--hosts {text}: give the ranks of each host as positive counts separated by commas " +
                $"(2,1,3) or as HOSTSxRANKS (3x2), at most {HostsOptions.MaxHosts} hosts and {HostsOptions.MaxRanksPerHost} ranks per host.");
        }
        return counts;
    }

    /// <summary>A tc rate: a number and one of bit, kbit, mbit, gbit (decimal units, as tc reads them).</summary>
    internal static string ParseRate(string text)
    {
        string lower = text.Trim().ToLowerInvariant();
        string[] units = ["gbit", "mbit", "kbit", "bit"];
        string? unit = units.FirstOrDefault(u => lower.EndsWith(u, StringComparison.Ordinal));
        if (unit is null || !double.TryParse(lower[..^unit.Length], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double amount) ||
            !double.IsFinite(amount) || amount <= 0 || RateBitsPerSecond(lower) is < 8e3 or > 400e9)
        {
            throw new UsageException($"--rate {text}: give a rate such as 100mbit or 1gbit (8kbit to 400gbit).");
        }
        return lower;
    }

    /// <summary>Bits per second of a rate <see cref="ParseRate"/> accepted.</summary>
    internal static double RateBitsPerSecond(string rate)
    {
        (string unit, double scale) = rate switch
        {
            _ when rate.EndsWith("gbit", StringComparison.Ordinal) => ("gbit", 1e9),
            _ when rate.EndsWith("mbit", StringComparison.Ordinal) => ("mbit", 1e6),
            _ when rate.EndsWith("kbit", StringComparison.Ordinal) => ("kbit", 1e3),
            _ => ("bit", 1.0),
        };
        return double.TryParse(rate[..^unit.Length], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double amount)
            ? amount * scale
            : double.NaN;
    }

    private static int? Count(string text, int max) =>
        int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value >= 1 && value <= max ? value : null;
}
