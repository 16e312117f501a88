namespace Collectives.Optical.Routing;

/// <summary>
/// How one step's flows sit on a configuration. <see cref="Congestion"/> is the most flows any
/// one circuit carries (a flow spread over k parallel circuits counts 1/k on each; a relayed
/// flow counts on every circuit of its path): the step moves at 1/Congestion of a port's speed,
/// so θ = 1/Congestion is the share of the step's traffic the configuration carries at once.
/// <see cref="MaxHops"/> is the longest path in circuits.
/// </summary>
public readonly record struct PatternLoad(double Congestion, int MaxHops)
{
    /// <summary>Some flow has no path at all on the configuration.</summary>
    public static PatternLoad Unreachable { get; } = new(double.PositiveInfinity, int.MaxValue);

    public bool IsReachable => MaxHops != int.MaxValue;
}
