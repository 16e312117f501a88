using Collectives.Schedules;

namespace Collectives.Simulation;

/// <summary>
/// The simulator's prediction for one collective, algorithm and size: the steps' latency,
/// bandwidth and reduction time, the time spent waiting for circuits to change, how many
/// changes the call makes, and the plan; or why the algorithm cannot run here.
/// </summary>
public sealed record SimulationResult(CollectiveKind Collective, SimulatedAlgorithm Algorithm, long Bytes, int Ranks)
{
    public string? Unavailable { get; init; }

    public StepTime Steps { get; init; }

    public double ReconfigurationSeconds { get; init; }

    public int Reconfigurations { get; init; }

    /// <summary>The configurations the circuits go through ("ring", "xor 32 → ..."), or "" on a packet network.</summary>
    public string Plan { get; init; } = "";

    public bool IsAvailable => Unavailable is null;

    public double Seconds => IsAvailable ? Steps.Total + ReconfigurationSeconds : double.PositiveInfinity;
}
