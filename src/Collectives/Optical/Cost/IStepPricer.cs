using Collectives.Optical.Circuits;
using Collectives.Schedules;

namespace Collectives.Optical.Cost;

/// <summary>
/// What a planner asks of a network: how long a step (all its repetitions) takes while the
/// circuits are <paramref name="configuration"/>. The optical fabric alone answers with
/// <see cref="CircuitStepPricer"/>; a hybrid fabric also sends over its packet network.
/// </summary>
public interface IStepPricer
{
    StepTime Price(CommunicationStep step, CircuitConfiguration configuration);
}
