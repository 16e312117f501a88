namespace Collectives.Cli.Tune;

/// <summary>
/// One link class's numbers as measured: alpha (seconds) and, per call size S, the seconds each
/// kind of 2-rank ring step took (both ranks sending S/2 at once): an all-gather step (received
/// chunks copied out) and a reduce-scatter step (received chunks reduced into place), with
/// separate input and output buffers (<see cref="Steps"/>) and in place (<see cref="InPlaceSteps"/>).
/// </summary>
internal sealed record LinkMeasurement(double Alpha, IReadOnlyList<(long CallBytes, double GatherStepSeconds, double ReduceStepSeconds)> Steps,
    IReadOnlyList<(long CallBytes, double GatherStepSeconds, double ReduceStepSeconds)> InPlaceSteps);
