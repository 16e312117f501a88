namespace Collectives.Cli.Tune;

/// <summary>
/// One link class's numbers as measured: alpha (seconds) and, per call size, the seconds one
/// ring step took (a 2-rank all-gather of that size less its local copy: both ranks sending half
/// the call's bytes at once).
/// </summary>
internal sealed record LinkMeasurement(double Alpha, IReadOnlyList<(long CallBytes, double StepSeconds)> Steps);
