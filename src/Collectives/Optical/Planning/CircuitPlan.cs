using Collectives.Schedules;

namespace Collectives.Optical.Planning;

/// <summary>
/// A sequence of configurations for a collective's steps, as the planner chose it, with its
/// predicted time split into the steps' own time and the time spent waiting for the switch.
/// An infeasible plan (some step cannot run on any configuration the planner could reach) has
/// no segments and infinite time; a collective with no steps (one node) has a feasible empty plan.
/// </summary>
public sealed record CircuitPlan(IReadOnlyList<PlanSegment> Segments, bool IsFeasible = true)
{
    public static CircuitPlan Infeasible { get; } = new([], IsFeasible: false);

    /// <summary>The steps' network time (latency and bandwidth) summed over all segments.</summary>
    public StepTime Steps => Segments.Aggregate(StepTime.Zero, (sum, s) => sum + s.Time);

    /// <summary>Seconds the call waits for the switch: visible parts of changes plus waits for the minimum hold.</summary>
    public double ReconfigurationSeconds => Segments.Sum(s => s.VisibleChangeSeconds + s.HoldWaitSeconds);

    /// <summary>Seconds of changes that hid in the idle time before the call.</summary>
    public double HiddenSeconds => Segments.Sum(s => s.HiddenSeconds);

    /// <summary>Changes during the call (not counting one made before it).</summary>
    public int Reconfigurations => Segments.Skip(1).Count(s => s.Change.Changes);

    /// <summary>Whether the plan starts by changing the circuits that were installed before the call.</summary>
    public bool ChangesBeforeFirstStep => Segments.Count > 0 && Segments[0].Change.Changes;

    public double TotalSeconds => IsFeasible ? Steps.Total + ReconfigurationSeconds : double.PositiveInfinity;

    /// <summary>"ring" or "xor 32 → xor 16 → ... (11 configurations)": for tables and explain output.</summary>
    public string Describe()
    {
        if (!IsFeasible)
        {
            return "no feasible plan";
        }
        var names = Segments.Select(s => s.Configuration.Name).ToList();
        return names.Count <= 4 ? string.Join(" → ", names) : $"{names[0]} → {names[1]} → ... → {names[^1]} ({names.Count} configurations)";
    }
}
