using System.Globalization;
using System.Text;
using Collectives.Optical.Circuits;
using Collectives.Optical.Fabric;
using Collectives.Optical.Planning;
using Collectives.Optical.Switches;

namespace Collectives.Transport.Circuits;

/// <summary>
/// The optical fabric to emulate on a job's real links (COLLECTIVES_CIRCUITS): the switch, what
/// a port carries, how many ports a node has, what a hop and a relaying host cost, and which
/// configurations the switch goes through. Parsed by <see cref="CircuitSpecParser"/>;
/// <see cref="ToString"/> writes the canonical spec it parses back. The same spec gives every
/// rank the same fabric and plan (<see cref="BuildFabric"/>, <see cref="PlanConfigurations"/>),
/// which the model's planner prices too, so emulation and prediction share one description.
/// </summary>
public sealed record CircuitSpec
{
    /// <summary>Longest switch change accepted: slow enough for any patch panel, short enough that a dark wait never looks like a hang.</summary>
    public const double MaxReconfigurationSeconds = 10;

    /// <summary>Port bandwidth when the spec names none: slow enough that shared-memory copies (5-20 GB/s) hide beneath it.</summary>
    public const double DefaultPortBandwidth = 1e9;

    /// <summary>Light in ~100 m of fiber and a switch, as the simulator's default.</summary>
    public const double DefaultHopDelay = 0.5e-6;

    /// <summary>A relaying host receives and re-sends a message: a few microseconds of software per hop.</summary>
    public const double DefaultHostForwarding = 5e-6;

    /// <summary>The switch preset (its reconfiguration time, control latency, minimum hold and radix).</summary>
    public OpticalSwitchSpec Switch { get; init; } = OpticalSwitchPresets.FastOcs;

    /// <summary>Replaces the preset's reconfiguration time (median and p99, no control latency); null keeps the preset's.</summary>
    public double? ReconfigurationSeconds { get; init; }

    /// <summary>Bytes per second one port carries each way.</summary>
    public double PortBandwidth { get; init; } = DefaultPortBandwidth;

    /// <summary>Optical ports per node (switch planes).</summary>
    public int Degree { get; init; } = 1;

    /// <summary>Seconds of light per circuit crossed.</summary>
    public double HopDelay { get; init; } = DefaultHopDelay;

    /// <summary>Seconds a relaying node adds to a message it forwards.</summary>
    public double HostForwarding { get; init; } = DefaultHostForwarding;

    public CircuitPlanKind Plan { get; init; } = CircuitPlanKind.Ring;

    /// <summary>The switch as emulated: the preset, with <see cref="ReconfigurationSeconds"/> in place of its own time when given.</summary>
    public OpticalSwitchSpec EffectiveSwitch => ReconfigurationSeconds is { } seconds
        ? Switch.WithReconfiguration(seconds, "COLLECTIVES_CIRCUITS reconfig=")
        : Switch;

    /// <summary>
    /// The fabric of <paramref name="nodes"/> nodes (one rank each) this spec describes, with
    /// <paramref name="alpha"/> as the cost of starting a message (the emulation adds none: the
    /// real transport has its own; the model takes it from the cost profile).
    /// </summary>
    /// <exception cref="ArgumentException">The fabric cannot exist (more nodes than the switch has ports, say); the message lists why.</exception>
    public CircuitFabric BuildFabric(int nodes, double alpha = 0)
    {
        var fabric = new CircuitFabric
        {
            Nodes = nodes,
            Degree = Degree,
            Switch = EffectiveSwitch,
            PortBandwidth = PortBandwidth,
            Alpha = alpha,
            PropagationPerHop = HopDelay,
            HostForwarding = HostForwarding,
        };
        IReadOnlyList<string> problems = fabric.Problems();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"COLLECTIVES_CIRCUITS={this} cannot emulate {nodes} ranks: {string.Join("; ", problems)}."));
        }
        return fabric;
    }

    /// <summary>
    /// The configurations the switch goes through, in plan order (a static plan has one).
    /// Matchings follow halving-doubling: the fold's hand-over, masks p/2 down to 1, the
    /// hand-back; each on every port. Auto holds the static ring, then the matchings. Empty for a single node.
    /// </summary>
    public IReadOnlyList<CircuitConfiguration> PlanConfigurations(CircuitFabric fabric) => Plans(fabric).All;

    /// <summary>The plan's configurations and which of them each algorithm's frames may use (<see cref="CircuitPlanConfigurations"/>).</summary>
    public CircuitPlanConfigurations Plans(CircuitFabric fabric)
    {
        ArgumentNullException.ThrowIfNull(fabric);
        return CircuitPlanConfigurations.Build(fabric, Plan);
    }

    /// <summary>The canonical spec: every field, in a fixed order, times in microseconds, bandwidth in bytes per second.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        void Add(string key, string value) => text.Append(text.Length == 0 ? "" : ",").Append(key).Append('=').Append(value);
        Add(CircuitSpecParser.SwitchKey, Switch.Name);
        if (ReconfigurationSeconds is { } seconds)
        {
            Add(CircuitSpecParser.ReconfigurationKey, Micros(seconds));
        }
        Add(CircuitSpecParser.BandwidthKey, PortBandwidth.ToString("R", CultureInfo.InvariantCulture) + "B/s");
        Add(CircuitSpecParser.DegreeKey, Degree.ToString(CultureInfo.InvariantCulture));
        Add(CircuitSpecParser.HopKey, Micros(HopDelay));
        Add(CircuitSpecParser.ForwardKey, Micros(HostForwarding));
        Add(CircuitSpecParser.PlanKey, CircuitSpecParser.PlanName(Plan));
        return text.ToString();
    }

    // Microseconds when they read back to the same double (the parser divides by 1e6), else exact seconds.
    private static string Micros(double seconds)
    {
        string micros = (seconds * 1e6).ToString("R", CultureInfo.InvariantCulture);
        return double.Parse(micros, CultureInfo.InvariantCulture) / 1e6 == seconds
            ? micros + "us"
            : seconds.ToString("R", CultureInfo.InvariantCulture) + "s";
    }
}
