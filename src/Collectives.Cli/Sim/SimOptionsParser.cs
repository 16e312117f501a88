using System.Globalization;
using Collectives.Cli.CommandLine;
using Collectives.Cli.Perf;
using Collectives.Kernels;
using Collectives.Optical.Switches;
using Collectives.Simulation;

namespace Collectives.Cli.Sim;

/// <summary>
/// Turns <c>collectives sim</c>'s command line into <see cref="SimOptions"/>: the fabric file
/// first (wherever --fabric stands), then every other flag on top of it, so a file can be
/// varied from the command line.
/// </summary>
internal static class SimOptionsParser
{
    private const double Microsecond = 1e-6;
    private const double Gigabyte = 1e9;
    private const int MaxRanks = 1 << 16;

    /// <summary>The options, or null when --help was asked for.</summary>
    /// <param name="readFabricFile">Reads a fabric file's text (the command's only I/O besides printing).</param>
    /// <exception cref="UsageException">A flag or value is wrong; the message names it.</exception>
    /// <exception cref="FormatException">The fabric file is not a fabric; the message names the field.</exception>
    public static SimOptions? Parse(IReadOnlyList<string> args, Func<string, string> readFabricFile)
    {
        List<ParsedArgument> parsed = ArgumentReader.Read(args, SimFlags.All, "sim");
        var options = new SimOptions();
        if (parsed.Any(a => a.Flag == SimFlags.Help))
        {
            return null;
        }
        if (parsed.LastOrDefault(a => a.Flag == SimFlags.Fabric) is { Flag: not null } file)
        {
            options = options with { Fabric = FabricJson.Parse(readFabricFile(file.Value!), file.Value!), FabricSource = file.Value! };
        }
        foreach (ParsedArgument argument in parsed.Where(a => a.Flag != SimFlags.Fabric))
        {
            options = Apply(options, argument);
        }
        // Describing a switch without naming the network means circuits between the nodes.
        bool networkNamed = parsed.Any(a => a.Flag == SimFlags.Network || a.Flag == SimFlags.Fabric);
        if (!networkNamed && parsed.Any(a => OpticalOnly.Contains(a.Flag)))
        {
            options = options with { Fabric = options.Fabric with { Electrical = false, Optical = true } };
        }
        return options;
    }

    private static SimOptions Apply(SimOptions options, ParsedArgument argument)
    {
        FlagSpec flag = argument.Flag ?? throw new UsageException($"sim takes no positional argument ('{argument.Value}').");
        string text = argument.Value ?? "";
        FabricSpec fabric = options.Fabric;
        return flag switch
        {
            _ when flag == SimFlags.Network => options with { Fabric = Network(fabric, text) },
            _ when flag == SimFlags.Ranks => options with { Fabric = fabric with { Ranks = Integer(flag, text, 1, MaxRanks) } },
            _ when flag == SimFlags.RanksPerNode => options with { Fabric = fabric with { RanksPerNode = Integer(flag, text, 1, MaxRanks) } },
            _ when flag == SimFlags.Alpha => options with { Fabric = fabric with { Alpha = Number(flag, text) * Microsecond } },
            _ when flag == SimFlags.HopDelay => options with { Fabric = fabric with { HopDelay = Number(flag, text) * Microsecond } },
            _ when flag == SimFlags.NicBandwidth => options with { Fabric = fabric with { NicBandwidth = Positive(flag, text) * Gigabyte } },
            _ when flag == SimFlags.LeafSize => options with { Fabric = fabric with { LeafSize = Integer(flag, text, 0, MaxRanks) } },
            _ when flag == SimFlags.Oversubscription => options with { Fabric = fabric with { Oversubscription = AtLeastOne(flag, text) } },
            _ when flag == SimFlags.Switch => options with
            {
                Fabric = fabric with
                {
                    Switch = OpticalSwitchPresets.Find(text) ?? throw new UsageException(
                        $"unknown switch '{text}'; presets: {string.Join(", ", OpticalSwitchPresets.All.Select(s => s.Name))} (or describe one in a --fabric file)."),
                },
            },
            _ when flag == SimFlags.Degree => options with { Fabric = fabric with { Degree = Integer(flag, text, 1, 64) } },
            _ when flag == SimFlags.PortBandwidth => options with { Fabric = fabric with { PortBandwidth = Positive(flag, text) * Gigabyte } },
            _ when flag == SimFlags.Reconfiguration => options with { Fabric = fabric with { Reconfiguration = Number(flag, text) * Microsecond } },
            _ when flag == SimFlags.Forwarding => options with { Fabric = fabric with { HostForwarding = Number(flag, text) * Microsecond } },
            _ when flag == SimFlags.PeriodicHold => options with { Fabric = fabric with { PeriodicHold = Positive(flag, text) * Microsecond } },
            _ when flag == SimFlags.Current => options with
            {
                Fabric = text is "none" or "ring" or "rings" ? fabric with { Current = text, CurrentCircuits = null }
                    : throw new UsageException("--current takes none, ring or rings; list other circuits in a --fabric file."),
            },
            _ when flag == SimFlags.IntraAlpha => options with { Fabric = fabric with { IntraAlpha = Number(flag, text) * Microsecond } },
            _ when flag == SimFlags.IntraBandwidth => options with { Fabric = fabric with { IntraBandwidth = Positive(flag, text) * Gigabyte } },
            _ when flag == SimFlags.P99 => options with { UseP99 = true },
            _ when flag == SimFlags.Idle => options with
            {
                IdleBeforeCall = text.Trim().ToLowerInvariant() is "inf" or "infinity" ? double.PositiveInfinity : Number(flag, text) * Microsecond,
            },
            _ when flag == SimFlags.Collectives => options with { Collectives = List(text, Collective) },
            _ when flag == SimFlags.Algorithms => options with { Algorithms = List(text, Algorithm) },
            _ when flag == SimFlags.Sizes => options with
            {
                Sizes = List(text, s => SizeParser.TryParse(s, out long b) ? b : throw new UsageException($"bad size '{s}' in --sizes; {SizeParser.Syntax}.")),
            },
            _ when flag == SimFlags.DataTypeFlag => options with
            {
                DataType = DataTypeNames.TryParse(text, out DataType type) ? type : throw new UsageException($"unknown type '{text}'; use {DataTypeNames.Allowed()}."),
            },
            _ when flag == SimFlags.TuneFile => options with { TuneFile = text },
            _ when flag == SimFlags.BreakEven => options with { BreakEven = true },
            _ when flag == SimFlags.Json => options with { Json = true },
            _ when flag == SimFlags.Plot => options with
            {
                Plot = SimPlot.CanWrite(text) ? text : throw new UsageException($"--plot draws .svg or .png files, not '{text}'."),
            },
            _ => throw new UsageException($"{flag.Display} is not handled; this is a bug."),
        };
    }

    private static readonly FlagSpec[] OpticalOnly =
        [SimFlags.Switch, SimFlags.Reconfiguration, SimFlags.Forwarding, SimFlags.PeriodicHold, SimFlags.Current, SimFlags.PortBandwidth];

    private static FabricSpec Network(FabricSpec fabric, string text) => text.Trim().ToLowerInvariant() switch
    {
        "electrical" or "packet" or "eps" => fabric with { Electrical = true, Optical = false },
        "optical" or "circuit" or "ocs" => fabric with { Electrical = false, Optical = true },
        "hybrid" => fabric with { Electrical = true, Optical = true },
        _ => throw new UsageException($"unknown network '{text}'; use electrical, optical or hybrid."),
    };

    private static CollectiveKind Collective(string text) =>
        CollectiveNames.TryParse(text, out CollectiveKind kind) && kind is CollectiveKind.AllReduce or CollectiveKind.ReduceScatter or CollectiveKind.AllGather
            ? kind : throw new UsageException($"sim prices allreduce, reducescatter and allgather, not '{text}'.");

    private static SimulatedAlgorithm Algorithm(string text) =>
        SimulatedAlgorithmNames.TryParse(text, out SimulatedAlgorithm algorithm) ? algorithm
            : throw new UsageException($"unknown algorithm '{text}'; use {string.Join(", ", SimulatedAlgorithmNames.All.Select(SimulatedAlgorithmNames.Name))}.");

    private static T[] List<T>(string text, Func<string, T> parse)
    {
        T[] items = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(parse).Distinct().ToArray();
        return items.Length > 0 ? items : throw new UsageException($"an empty list: '{text}'.");
    }

    private static int Integer(FlagSpec flag, string text, int min, int max) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value >= min && value <= max
            ? value : throw new UsageException($"{flag.Display} needs a whole number from {min} to {max}, not '{text}'.");

    private static double Number(FlagSpec flag, string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value) && value >= 0
            ? value : throw new UsageException($"{flag.Display} needs a number, not negative, not '{text}'.");

    private static double Positive(FlagSpec flag, string text) =>
        Number(flag, text) is > 0 and var value ? value : throw new UsageException($"{flag.Display} needs a positive number, not '{text}'.");

    private static double AtLeastOne(FlagSpec flag, string text) =>
        Number(flag, text) is >= 1 and var value ? value : throw new UsageException($"{flag.Display} is at least 1, not '{text}'.");
}
