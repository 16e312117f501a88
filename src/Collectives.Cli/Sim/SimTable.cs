using System.Globalization;
using Collectives.Cli.Perf;
using Collectives.Optical.Switches;
using Collectives.Simulation;

namespace Collectives.Cli.Sim;

/// <summary>
/// The text report: a header that says what fabric was priced and where every switch number
/// came from, then one row per collective, size and algorithm with the time, bus bandwidth and
/// what the time went on (µs), the fastest marked with '*'.
/// </summary>
internal static class SimTable
{
    public static string Render(SimReport report)
    {
        var text = new StringWriter(CultureInfo.InvariantCulture);
        SimOptions options = report.Options;
        text.WriteLine($"# collectives sim: {report.Fabric.Describe()}");
        text.WriteLine($"# fabric from {options.FabricSource}; reduction costs from {report.Profile.Source} ({DataTypeNames.Name(options.DataType)})");
        if (report.Fabric.Optical is { } optical)
        {
            OpticalSwitchSpec device = optical.Switch;
            text.WriteLine($"# switch {device.Name}: {device.Description}");
            foreach ((string name, string value, string source) in Sources(device))
            {
                text.WriteLine($"#   {name,-24} {value,-10} {source}");
            }
            string first = double.IsPositiveInfinity(options.IdleBeforeCall)
                ? "the first configuration is installed before the call"
                : $"the first change hides in {SimulatedFabric.Seconds(options.IdleBeforeCall)} of idle time before the call";
            text.WriteLine($"# {first}; each change costs the switch's {(options.UseP99 ? "p99" : "median")}");
        }
        text.WriteLine($"{"collective",-14}{"size",8}  {"algorithm",-19}{"time(us)",12}{"busbw(GB/s)",12}{"latency",11}{"bandwidth",11}{"reduction",11}{"reconfig",11}{"changes",8}  plan");
        foreach (SimulationResult result in report.Results)
        {
            string name = SimulatedAlgorithmNames.Name(result.Algorithm);
            string prefix = $"{CollectiveNames.Name(result.Collective),-14}{SizeParser.Format(result.Bytes),8}  ";
            if (!result.IsAvailable)
            {
                text.WriteLine($"{prefix}{name,-19}{"-",12}  {result.Unavailable}");
                continue;
            }
            bool fastest = ReferenceEquals(report.Fastest(result.Collective, result.Bytes), result);
            text.WriteLine(prefix + (fastest ? "*" + name : " " + name).PadRight(19) +
                $"{Micro(result.Seconds),12}{SimReport.BusBandwidth(result),12:0.00}{Micro(result.Steps.Latency),11}{Micro(result.Steps.Bandwidth),11}" +
                $"{Micro(result.Steps.Reduction),11}{Micro(result.ReconfigurationSeconds),11}{result.Reconfigurations,8}  {result.Plan}");
        }
        foreach (((CollectiveKind collective, long bytes), IReadOnlyList<BreakEven> flips) in report.BreakEvens)
        {
            string where = $"# {CollectiveNames.Name(collective)} {SizeParser.Format(bytes)}: ";
            text.WriteLine(flips.Count == 0
                ? where + "the fastest algorithm stays the same for any reconfiguration time from 1 ps to 1000 s"
                : where + string.Join("; ", flips.Select(f => f.Describe())));
        }
        return text.ToString();
    }

    /// <summary>Each switch figure, its value as the table prints it, and its source.</summary>
    public static IEnumerable<(string Name, string Value, string Source)> Sources(OpticalSwitchSpec device)
    {
        yield return ("radix", device.Radix.Value.ToString(CultureInfo.InvariantCulture), device.Radix.Source);
        yield return ("reconfiguration median", SimulatedFabric.Seconds(device.ReconfigurationMedian.Value), device.ReconfigurationMedian.Source);
        yield return ("reconfiguration p99", SimulatedFabric.Seconds(device.ReconfigurationP99.Value), device.ReconfigurationP99.Source);
        yield return ("control latency", SimulatedFabric.Seconds(device.ControlLatency.Value), device.ControlLatency.Source);
        yield return ("untouched circuits lit", device.UntouchedCircuitsStayLit.Value ? "yes" : "no", device.UntouchedCircuitsStayLit.Source);
        yield return ("minimum hold", SimulatedFabric.Seconds(device.MinimumHold.Value), device.MinimumHold.Source);
        yield return ("port bandwidth", (device.PortBandwidth.Value / 1e9).ToString("0.##", CultureInfo.InvariantCulture) + " GB/s", device.PortBandwidth.Source);
    }

    private static string Micro(double seconds)
    {
        double us = seconds * 1e6;
        return us < 100 ? us.ToString("0.00", CultureInfo.InvariantCulture) : us.ToString("0", CultureInfo.InvariantCulture);
    }
}
