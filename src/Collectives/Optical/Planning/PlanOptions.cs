namespace Collectives.Optical.Planning;

/// <summary>
/// How the planner prices changes: <see cref="UseP99"/> charges each change the switch's 99th
/// percentile instead of its median (for plans that must not be late), and
/// <see cref="IdleBeforeCall"/> is how long the links sit idle before the call (the compute
/// before a gradient all-reduce), during which the first change can happen unseen.
/// </summary>
public sealed record PlanOptions
{
    public bool UseP99 { get; init; }

    /// <summary>Seconds, or infinity when the first configuration is always in place before the call.</summary>
    public double IdleBeforeCall { get; init; }

    public static PlanOptions Default { get; } = new();
}
