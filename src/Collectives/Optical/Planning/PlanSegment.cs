using Collectives.Optical.Circuits;
using Collectives.Schedules;

namespace Collectives.Optical.Planning;

/// <summary>
/// Steps <see cref="FirstStep"/> to <see cref="FirstStep"/> + <see cref="StepCount"/> − 1 run on
/// <see cref="Configuration"/>, taking <see cref="Time"/>. Before them the switch changed
/// (<see cref="Change"/>), of which <see cref="HiddenSeconds"/> passed unseen in the idle time
/// before the call; <see cref="HoldWaitSeconds"/> is how long the previous configuration had
/// to stay beyond its steps because the switch holds a configuration a minimum time.
/// </summary>
public sealed record PlanSegment(
    CircuitConfiguration Configuration,
    int FirstStep,
    int StepCount,
    StepTime Time,
    ReconfigurationCost Change,
    double HiddenSeconds,
    double HoldWaitSeconds)
{
    /// <summary>Seconds of the change before this segment that the call waits for.</summary>
    public double VisibleChangeSeconds => Change.Seconds - HiddenSeconds;
}
