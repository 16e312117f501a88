namespace Collectives.Simulation;

/// <summary>At a reconfiguration time of <see cref="ReconfigurationSeconds"/> the fastest algorithm changes from <see cref="Below"/> (faster switches) to <see cref="Above"/>.</summary>
public sealed record BreakEven(double ReconfigurationSeconds, SimulatedAlgorithm Below, SimulatedAlgorithm Above);
