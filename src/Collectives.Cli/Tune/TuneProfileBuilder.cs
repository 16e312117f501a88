using Collectives.Selection;
using Collectives.Topology;

namespace Collectives.Cli.Tune;

/// <summary>
/// Turns measurements into the cost model's parameters. The model prices a ring step of a call
/// of S bytes on n ranks as alpha + (S/n) × beta(S); on the 2 ranks tune measures with, a step
/// moves S/2 each way, so beta(S) = (measured step − alpha) / (S/2): the model then reproduces
/// the measured step exactly at every measured size and interpolates between them.
/// </summary>
internal static class TuneProfileBuilder
{
    /// <summary>
    /// Floor on seconds per byte: a step measured at or below alpha (noise at small sizes on a
    /// busy machine) still needs a positive cost, and one the profile file's 6 decimals of ns keep.
    /// </summary>
    public const double MinSecondsPerByte = 1e-14;

    public static LinkCost Link(LinkMeasurement measurement)
    {
        var points = measurement.Steps
            .Select(step => (step.CallBytes, Math.Max(MinSecondsPerByte, (step.StepSeconds - measurement.Alpha) / (step.CallBytes / 2.0))))
            .ToArray();
        return new LinkCost(measurement.Alpha, new CostCurve(points));
    }

    public static CostCurve Gamma(IReadOnlyList<(long Bytes, double SecondsPerByte)> measured) =>
        new(measured.Select(point => (point.Bytes, Math.Max(MinSecondsPerByte, point.SecondsPerByte))));

    /// <summary>"collectives tune on HOST at 2026-01-02T03:04:05Z, shm, tcp": what explain and perf print as the costs' origin.</summary>
    public static string Source(IEnumerable<string> transports, DateTime utcNow) =>
        $"collectives tune on {Environment.MachineName} at {utcNow:yyyy-MM-ddTHH:mm:ssZ}, {string.Join(", ", transports)}";

    public static CostProfile Profile(IReadOnlyDictionary<LinkClass, LinkCost> links, CostCurve gamma, string source) =>
        new() { Links = links, Gamma = gamma, Source = source };
}
