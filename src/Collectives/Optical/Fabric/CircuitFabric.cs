using System.Globalization;
using Collectives.Optical.Circuits;
using Collectives.Optical.Switches;

namespace Collectives.Optical.Fabric;

/// <summary>
/// A job's nodes on a circuit-switched fabric: each node has <see cref="Degree"/> optical ports,
/// port k wired to switch plane k (one <see cref="Switch"/> per plane). A message costs
/// <see cref="Alpha"/> to start, <see cref="PropagationPerHop"/> per circuit it crosses, and
/// <see cref="HostForwarding"/> at every node that relays it on; a circuit carries
/// <see cref="PortBandwidth"/> bytes per second. <see cref="ForeignCircuits"/> belong to other
/// tenants (on ports from <see cref="Nodes"/> up) and must stay as they are.
/// </summary>
public sealed record CircuitFabric
{
    public required int Nodes { get; init; }

    public required int Degree { get; init; }

    public required OpticalSwitchSpec Switch { get; init; }

    /// <summary>Bytes per second one circuit carries each way.</summary>
    public required double PortBandwidth { get; init; }

    /// <summary>Seconds to start one message (software, NIC, transceiver), as in the electrical model.</summary>
    public required double Alpha { get; init; }

    /// <summary>Seconds of light in fiber and switch per circuit crossed.</summary>
    public double PropagationPerHop { get; init; }

    /// <summary>Seconds a relaying host adds to a message it forwards on a multi-hop path.</summary>
    public double HostForwarding { get; init; }

    /// <summary>The job's circuits before the call (none unless said otherwise).</summary>
    public CircuitConfiguration? Current { get; init; }

    /// <summary>Other tenants' circuits on these switches: they keep their ports and their light.</summary>
    public IReadOnlyList<Circuit> ForeignCircuits { get; init; } = [];

    /// <summary>
    /// When set, the switch is time-shared with a demand-driven scheduler (SiP-ML, TopoOpt's
    /// OCS comparators): every circuit is lit for this many seconds, then dark for one
    /// reconfiguration, over and over, whatever the job's own plan does.
    /// </summary>
    public double? PeriodicHold { get; init; }

    /// <summary>The configuration before the call: <see cref="Current"/>, or no circuits.</summary>
    public CircuitConfiguration Installed => Current ?? CircuitConfiguration.Empty(Nodes);

    /// <summary>Switch ports per plane that other tenants' circuits occupy.</summary>
    public int ForeignPortsOn(int plane) =>
        ForeignCircuits.Where(c => c.Plane == plane).SelectMany(c => new[] { c.From, c.To }).Distinct().Count();

    /// <summary>What makes this fabric impossible (too many ports for the switch, bad numbers, an infeasible current configuration), or an empty list.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>(Switch.Problems().Select(p => $"switch {Switch.Name}: {p}"));
        if (Nodes < 1 || Degree < 1)
        {
            problems.Add($"{Nodes} nodes with {Degree} ports each: a fabric needs at least one node and one port per node");
            return problems;
        }
        for (int plane = 0; plane < Degree; plane++)
        {
            int ports = Nodes + ForeignPortsOn(plane);
            if (ports > Switch.Radix.Value)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture,
                    $"plane {plane} needs {ports} ports ({Nodes} nodes + other tenants') but a {Switch.Name} switch has {Switch.Radix.Value}; put more ranks on each node"));
                break;
            }
        }
        foreach ((string name, double value) in new[] { ("alpha", Alpha), ("propagation per hop", PropagationPerHop), ("host forwarding", HostForwarding) })
        {
            if (!double.IsFinite(value) || value < 0)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{name} {value} s: a time is finite and not negative"));
            }
        }
        if (!double.IsFinite(PortBandwidth) || PortBandwidth <= 0)
        {
            problems.Add("port bandwidth must be positive");
        }
        if (PeriodicHold is { } hold && (!double.IsFinite(hold) || hold <= 0))
        {
            problems.Add("a periodic hold is a positive time");
        }
        problems.AddRange(ConfigurationFeasibility.ForeignProblems(this));
        if (Current is { } current)
        {
            problems.AddRange(ConfigurationFeasibility.Problems(current, this).Select(p => "current configuration: " + p));
        }
        return problems;
    }

    /// <summary>
    /// The cost of going from <paramref name="from"/> to <paramref name="to"/>: nothing when no
    /// circuit changes; otherwise one switching time (median, or p99 when asked) plus the
    /// control latency, since the planes move their mirrors at once. A change on a plane that
    /// also carries other tenants' circuits is blocked when the switch darkens untouched circuits.
    /// </summary>
    public ReconfigurationCost Reconfiguration(CircuitConfiguration from, CircuitConfiguration to, bool p99)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        (int ports, IReadOnlyList<int> planes) = from.TouchedGoingTo(to);
        if (ports == 0)
        {
            return ReconfigurationCost.None;
        }
        if (!Switch.UntouchedCircuitsStayLit.Value)
        {
            int shared = planes.FirstOrDefault(p => ForeignCircuits.Any(c => c.Plane == p), -1);
            if (shared >= 0)
            {
                return new ReconfigurationCost(double.PositiveInfinity, ports, planes.Count,
                    $"a {Switch.Name} switch darkens every circuit while it changes, and plane {shared} carries other tenants' circuits");
            }
        }
        return new ReconfigurationCost(Switch.ReconfigurationSeconds(p99), ports, planes.Count);
    }
}
