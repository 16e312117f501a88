using System.Text.Json;
using Collectives.Json;
using Collectives.Optical.Circuits;
using Collectives.Optical.Switches;

namespace Collectives.Simulation;

/// <summary>
/// The fabric file of <c>collectives sim --fabric</c>: a <see cref="FabricSpec"/> in units a
/// person reads (µs, GB/s). The "electrical" and "optical" sections say which networks join the
/// nodes (both: a hybrid); anything left out takes the flags' defaults.
/// <code>
/// {
///   "version": 1, "ranks": 1024, "ranks_per_node": 8, "alpha_us": 2, "hop_delay_us": 0.5,
///   "electrical": { "nic_bandwidth_gbs": 200, "leaf_size": 32, "oversubscription": 3 },
///   "optical": { "switch": "mems-ocs", "degree": 4, "port_bandwidth_gbs": 50, "forwarding_us": 3,
///                "reconfiguration_us": 1200, "periodic_hold_us": 6000, "current": "ring",
///                "foreign_circuits": [[0, 130, 131]] },
///   "intra": { "alpha_us": 1, "bandwidth_gbs": 100 }
/// }
/// </code>
/// "switch" is a preset's name or an object: name, radix, reconfiguration_median_us,
/// reconfiguration_p99_us, control_latency_us, untouched_stay_lit, minimum_hold_us,
/// port_bandwidth_gbs, source. "current" is none, ring, rings, or a list of [plane, from, to].
/// The reader walks the parsed document by hand, refuses unknown fields (a typo would
/// otherwise pass silently) and names the field that is wrong.
/// </summary>
public static class FabricJson
{
    public const int Version = 1;

    /// <summary>Largest fabric text accepted: circuits for a few thousand nodes fit many times over.</summary>
    public const int MaxLength = 4 << 20;

    /// <exception cref="FormatException">The text is not a version-1 fabric; the message names the field.</exception>
    public static FabricSpec Parse(string text, string sourceName)
    {
        JsonDocument document = BoundedJson.Parse(text, sourceName, MaxLength, "a fabric file");
        using (document)
        {
            var reader = new FabricJsonReader(sourceName);
            JsonElement root = reader.Object(document.RootElement, "the document");
            reader.Only(root, "", "version", "ranks", "ranks_per_node", "alpha_us", "hop_delay_us", "electrical", "optical", "intra");
            if (reader.Integer(root, "version", Version) != Version)
            {
                throw reader.Wrong("version", $"this build reads version {Version}");
            }
            bool electrical = root.TryGetProperty("electrical", out JsonElement e);
            bool optical = root.TryGetProperty("optical", out JsonElement o);
            if (!electrical && !optical)
            {
                throw reader.Wrong("electrical", "a fabric needs an \"electrical\" section, an \"optical\" one, or both");
            }
            var spec = new FabricSpec
            {
                Ranks = reader.Integer(root, "ranks", 64),
                RanksPerNode = reader.Integer(root, "ranks_per_node", 1),
                Alpha = reader.Time(root, "alpha_us"),
                HopDelay = reader.Time(root, "hop_delay_us"),
                Electrical = electrical,
                Optical = optical,
            };
            if (electrical)
            {
                reader.Object(e, "electrical");
                reader.Only(e, "electrical.", "nic_bandwidth_gbs", "leaf_size", "oversubscription");
                spec = spec with
                {
                    NicBandwidth = reader.Bandwidth(e, "nic_bandwidth_gbs"),
                    LeafSize = reader.Integer(e, "leaf_size", 0),
                    Oversubscription = reader.Number(e, "oversubscription") ?? 1,
                };
            }
            if (optical)
            {
                spec = Optical(reader, reader.Object(o, "optical"), spec);
            }
            if (root.TryGetProperty("intra", out JsonElement intra))
            {
                reader.Object(intra, "intra");
                reader.Only(intra, "intra.", "alpha_us", "bandwidth_gbs");
                spec = spec with { IntraAlpha = reader.Time(intra, "alpha_us"), IntraBandwidth = reader.Bandwidth(intra, "bandwidth_gbs") };
            }
            return spec;
        }
    }

    private static FabricSpec Optical(FabricJsonReader reader, JsonElement o, FabricSpec spec)
    {
        reader.Only(o, "optical.", "switch", "degree", "port_bandwidth_gbs", "forwarding_us", "reconfiguration_us", "periodic_hold_us",
            "current", "foreign_circuits");
        OpticalSwitchSpec device = spec.Switch;
        if (o.TryGetProperty("switch", out JsonElement s))
        {
            device = s.ValueKind == JsonValueKind.String
                ? OpticalSwitchPresets.Find(s.GetString()) ?? throw reader.Wrong("optical.switch",
                    "unknown preset; use " + string.Join(", ", OpticalSwitchPresets.All.Select(p => p.Name)) + ", or describe the switch")
                : CustomSwitch(reader, reader.Object(s, "optical.switch"));
        }
        spec = spec with
        {
            Switch = device,
            Degree = reader.Integer(o, "degree", FabricSpec.DefaultDegree),
            PortBandwidth = reader.Bandwidth(o, "port_bandwidth_gbs"),
            HostForwarding = reader.Time(o, "forwarding_us"),
            Reconfiguration = reader.Time(o, "reconfiguration_us"),
            PeriodicHold = reader.Time(o, "periodic_hold_us"),
            ForeignCircuits = o.TryGetProperty("foreign_circuits", out JsonElement foreign) ? reader.Circuits(foreign, "optical.foreign_circuits") : [],
        };
        if (o.TryGetProperty("current", out JsonElement current))
        {
            spec = current.ValueKind == JsonValueKind.String
                ? spec with { Current = current.GetString()! }
                : spec with { CurrentCircuits = reader.Circuits(current, "optical.current") };
        }
        return spec;
    }

    private static OpticalSwitchSpec CustomSwitch(FabricJsonReader reader, JsonElement s)
    {
        reader.Only(s, "optical.switch.", "name", "radix", "reconfiguration_median_us", "reconfiguration_p99_us", "control_latency_us",
            "untouched_stay_lit", "minimum_hold_us", "port_bandwidth_gbs", "source");
        string source = s.TryGetProperty("source", out JsonElement given) && given.ValueKind == JsonValueKind.String
            ? given.GetString()! : "fabric file " + reader.SourceName;
        double median = reader.Time(s, "reconfiguration_median_us") ?? throw reader.Wrong("optical.switch.reconfiguration_median_us", "a custom switch needs its reconfiguration time");
        bool lit = !s.TryGetProperty("untouched_stay_lit", out JsonElement l) || l.ValueKind != JsonValueKind.False;
        return new OpticalSwitchSpec
        {
            Name = s.TryGetProperty("name", out JsonElement n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : "custom",
            Description = "described in " + reader.SourceName,
            Radix = new(reader.Integer(s, "radix", 1 << 16), source),
            ReconfigurationMedian = new(median, source),
            ReconfigurationP99 = new(reader.Time(s, "reconfiguration_p99_us") ?? median, source),
            ControlLatency = new(reader.Time(s, "control_latency_us") ?? 0, source),
            UntouchedCircuitsStayLit = new(lit, source),
            MinimumHold = new(reader.Time(s, "minimum_hold_us") ?? 0, source),
            PortBandwidth = new(reader.Bandwidth(s, "port_bandwidth_gbs") ?? OpticalSwitchPresets.MemsOcs.PortBandwidth.Value, source),
        };
    }
}
