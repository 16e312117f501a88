using System.Text;
using System.Text.Json;
using Collectives.Cli.Perf;
using Collectives.Optical.Switches;
using Collectives.Simulation;

namespace Collectives.Cli.Sim;

/// <summary>--json: the fabric, the switch's numbers with their sources, one object per collective, size and algorithm (times in µs), and the break-even times when asked.</summary>
internal static class SimJsonReport
{
    public static string Render(SimReport report)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            SimulatedFabric fabric = report.Fabric;
            json.WriteStartObject();
            json.WriteString("fabric", fabric.Describe());
            json.WriteString("fabric_source", report.Options.FabricSource);
            json.WriteString("network", fabric.Kind);
            json.WriteNumber("ranks", fabric.Ranks);
            json.WriteNumber("ranks_per_node", fabric.RanksPerNode);
            json.WriteNumber("nodes", fabric.Nodes);
            json.WriteString("dtype", DataTypeNames.Name(report.Options.DataType));
            json.WriteString("costs", report.Profile.Source);
            if (fabric.Optical is { } optical)
            {
                WriteSwitch(json, optical.Switch);
                json.WriteNumber("degree", optical.Degree);
                json.WriteNumber("port_bandwidth_gbs", optical.PortBandwidth / 1e9);
                json.WriteBoolean("p99", report.Options.UseP99);
                if (double.IsFinite(report.Options.IdleBeforeCall))
                {
                    json.WriteNumber("idle_before_call_us", report.Options.IdleBeforeCall * 1e6);
                }
                else
                {
                    json.WriteString("idle_before_call_us", "inf");
                }
            }
            json.WriteStartArray("results");
            foreach (SimulationResult result in report.Results)
            {
                json.WriteStartObject();
                json.WriteString("collective", CollectiveNames.Name(result.Collective));
                json.WriteNumber("size", result.Bytes);
                json.WriteString("algorithm", SimulatedAlgorithmNames.Name(result.Algorithm));
                json.WriteBoolean("available", result.IsAvailable);
                if (result.IsAvailable)
                {
                    json.WriteBoolean("fastest", ReferenceEquals(report.Fastest(result.Collective, result.Bytes), result));
                    json.WriteNumber("time_us", result.Seconds * 1e6);
                    json.WriteNumber("busbw_gbs", SimReport.BusBandwidth(result));
                    json.WriteNumber("latency_us", result.Steps.Latency * 1e6);
                    json.WriteNumber("bandwidth_us", result.Steps.Bandwidth * 1e6);
                    json.WriteNumber("reduction_us", result.Steps.Reduction * 1e6);
                    json.WriteNumber("reconfiguration_us", result.ReconfigurationSeconds * 1e6);
                    json.WriteNumber("reconfigurations", result.Reconfigurations);
                    json.WriteString("plan", result.Plan);
                }
                else
                {
                    json.WriteString("unavailable", result.Unavailable);
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
            if (report.BreakEvens.Count > 0)
            {
                json.WriteStartArray("break_even");
                foreach (((CollectiveKind collective, long bytes), IReadOnlyList<BreakEven> flips) in report.BreakEvens)
                {
                    foreach (BreakEven flip in flips)
                    {
                        json.WriteStartObject();
                        json.WriteString("collective", CollectiveNames.Name(collective));
                        json.WriteNumber("size", bytes);
                        json.WriteNumber("reconfiguration_us", flip.ReconfigurationSeconds * 1e6);
                        json.WriteString("fastest_below", SimulatedAlgorithmNames.Name(flip.Below));
                        json.WriteString("fastest_above", SimulatedAlgorithmNames.Name(flip.Above));
                        json.WriteEndObject();
                    }
                }
                json.WriteEndArray();
            }
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static void WriteSwitch(Utf8JsonWriter json, OpticalSwitchSpec device)
    {
        json.WriteStartObject("switch");
        json.WriteString("name", device.Name);
        json.WriteString("description", device.Description);
        foreach ((string name, string value, string source) in SimTable.Sources(device))
        {
            json.WriteStartObject(name.Replace(' ', '_'));
            json.WriteString("value", value);
            json.WriteString("source", source);
            json.WriteEndObject();
        }
        json.WriteEndObject();
    }
}
