using System.Globalization;

namespace Collectives.Optical.Switches;

/// <summary>
/// What a circuit switch can do, as the planner needs it. Each node's port k is wired to
/// switch plane k (TPU v4, SiP-OCS and TopoOpt-with-OCS wire them so), and every plane is one
/// switch of this kind.
/// </summary>
public sealed record OpticalSwitchSpec
{
    /// <summary>Short name users type: "mems-ocs", "fast-ocs".</summary>
    public required string Name { get; init; }

    /// <summary>One line for help and explain output.</summary>
    public required string Description { get; init; }

    /// <summary>Duplex ports of one switch: the most nodes (ours and other tenants') one plane can join.</summary>
    public required Sourced<int> Radix { get; init; }

    /// <summary>Seconds from the first circuit going dark to the last new one carrying light, typically.</summary>
    public required Sourced<double> ReconfigurationMedian { get; init; }

    /// <summary>The 99th percentile of the same: what a plan that must not be late pays.</summary>
    public required Sourced<double> ReconfigurationP99 { get; init; }

    /// <summary>Seconds from the request to the switch starting to move (controller, driver, calibration lookup).</summary>
    public required Sourced<double> ControlLatency { get; init; }

    /// <summary>Whether circuits on ports a change does not touch keep carrying light during it; without this a change darkens the whole plane, other tenants' circuits included.</summary>
    public required Sourced<bool> UntouchedCircuitsStayLit { get; init; }

    /// <summary>Seconds a configuration must stay before the next change may start.</summary>
    public required Sourced<double> MinimumHold { get; init; }

    /// <summary>Bytes per second one port carries each way once lit.</summary>
    public required Sourced<double> PortBandwidth { get; init; }

    /// <summary>Seconds one change costs when it touches any port: the switching time (median, or p99 on request) plus the control latency.</summary>
    public double ReconfigurationSeconds(bool p99) => (p99 ? ReconfigurationP99.Value : ReconfigurationMedian.Value) + ControlLatency.Value;

    /// <summary>This switch with the switching time replaced (median and p99 alike): for sweeps and the --reconfiguration flag.</summary>
    public OpticalSwitchSpec WithReconfiguration(double seconds, string source) => this with
    {
        ReconfigurationMedian = new(seconds, source),
        ReconfigurationP99 = new(seconds, source),
        ControlLatency = new(0, source),
    };

    /// <summary>What is wrong with the numbers (negative times, p99 below the median, no ports), or an empty list.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Radix.Value < 2)
        {
            problems.Add($"radix {Radix.Value}: a switch joins at least 2 ports");
        }
        foreach ((string name, double value) in new[]
        {
            ("median reconfiguration", ReconfigurationMedian.Value), ("p99 reconfiguration", ReconfigurationP99.Value),
            ("control latency", ControlLatency.Value), ("minimum hold", MinimumHold.Value),
        })
        {
            if (!double.IsFinite(value) || value < 0)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"{name} {value} s: a time is finite and not negative"));
            }
        }
        if (ReconfigurationP99.Value < ReconfigurationMedian.Value)
        {
            problems.Add("the p99 reconfiguration time is below the median");
        }
        if (!double.IsFinite(PortBandwidth.Value) || PortBandwidth.Value <= 0)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"port bandwidth {PortBandwidth.Value} B/s: it must be positive"));
        }
        return problems;
    }
}
