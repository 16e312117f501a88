namespace Collectives.Schedules;

/// <summary>
/// Seconds one step (or several) takes, by what they are spent on: <see cref="Latency"/>
/// (starting messages, propagation, relaying), <see cref="Bandwidth"/> (bytes on the busiest
/// link) and <see cref="Reduction"/> (combining what arrived). Infinite latency marks a step the
/// network cannot carry at all.
/// </summary>
public readonly record struct StepTime(double Latency, double Bandwidth, double Reduction)
{
    public static StepTime Zero { get; } = new(0, 0, 0);

    public static StepTime Unreachable { get; } = new(double.PositiveInfinity, 0, 0);

    public double Total => Latency + Bandwidth + Reduction;

    public bool IsReachable => double.IsFinite(Total);

    /// <summary>The same step taken <paramref name="count"/> times in a row.</summary>
    public StepTime Times(int count) => new(Latency * count, Bandwidth * count, Reduction * count);

    public static StepTime operator +(StepTime a, StepTime b) =>
        new(a.Latency + b.Latency, a.Bandwidth + b.Bandwidth, a.Reduction + b.Reduction);
}
