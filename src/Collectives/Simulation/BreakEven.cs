namespace Collectives.Simulation;

/// <summary>At a reconfiguration time of <see cref="ReconfigurationSeconds"/> the fastest algorithm changes from <see cref="Below"/> (faster switches) to <see cref="Above"/>.</summary>
public sealed record BreakEven(double ReconfigurationSeconds, SimulatedAlgorithm Below, SimulatedAlgorithm Above)
{
    /// <summary>"halving-doubling below 11.4 us of reconfiguration, ring above": for tables and explain output.</summary>
    public string Describe() =>
        $"{SimulatedAlgorithmNames.Name(Below)} below {SimulatedFabric.Seconds(ReconfigurationSeconds)} of reconfiguration, {SimulatedAlgorithmNames.Name(Above)} above";
}
