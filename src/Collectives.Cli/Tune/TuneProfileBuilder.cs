using Collectives.Kernels;
using Collectives.Selection;
using Collectives.Topology;

namespace Collectives.Cli.Tune;

/// <summary>
/// Turns measurements into the cost model's parameters. A ring all-reduce of S bytes on n ranks
/// is n−1 reduce-scatter steps and n−1 all-gather steps, which the model prices alike: alpha +
/// (S/n) × beta(S) each, plus the reduce it charges for what the reduce-scatter steps receive.
/// Tune measures one step of each kind on 2 ranks (S/2 each way) and sets beta(S) so the model's
/// own formulas give their mean: beta(S) = (mean step − alpha − reduce the model adds) / (S/2).
/// Measured over shared memory, the two kinds differ (at 4 MiB the all-gather step's streaming
/// copies go to DRAM, the reduce-scatter step's reduce stays in cache), and beta from the
/// all-gather step alone priced the 4 MiB all-reduce at 1.3-1.8x its measured time.
/// </summary>
internal static class TuneProfileBuilder
{
    /// <summary>
    /// Floor on seconds per byte: a step measured at or below alpha (noise at small sizes on a
    /// busy machine) still needs a positive cost, and one the profile file's 6 decimals of ns keep.
    /// </summary>
    public const double MinSecondsPerByte = 1e-14;

    /// <summary>The link's cost: beta from the out-of-place steps, beta in place from the in-place ones, one alpha for both.</summary>
    public static LinkCost Link(LinkClass link, LinkMeasurement measurement, CostCurve gamma) =>
        new(measurement.Alpha, Beta(link, measurement.Alpha, measurement.Steps, gamma), 1, Beta(link, measurement.Alpha, measurement.InPlaceSteps, gamma));

    private static CostCurve Beta(LinkClass link, double alpha, IReadOnlyList<(long CallBytes, double Gather, double Reduce)> steps, CostCurve gamma)
    {
        var points = new List<(long, double)>();
        foreach ((long bytes, double gather, double reduce) in steps)
        {
            double block = bytes / 2.0;
            double reduceTerm = ReduceTheModelAdds(link, alpha, gamma, bytes);
            double step = (gather + (reduce - reduceTerm)) / 2;
            points.Add((bytes, Math.Max(MinSecondsPerByte, (step - alpha) / block)));
        }
        return new CostCurve(points);
    }

    /// <summary>
    /// What the cost model adds to a 2-rank reduce-scatter step of <paramref name="bytes"/> over
    /// <paramref name="link"/> for its reduce: asked of the model itself (its reduce-scatter less
    /// its all-gather at a negligible beta), so tune and model cannot disagree on the rule.
    /// </summary>
    private static double ReduceTheModelAdds(LinkClass link, double alpha, CostCurve gamma, long bytes)
    {
        CostProfile probe = new CostProfile
        {
            Links = new Dictionary<LinkClass, LinkCost> { [link] = new(alpha, CostCurve.Flat(MinSecondsPerByte)) },
            Gamma = gamma,
        };
        JobTopology pair = JobTopology.SingleHost(2, link);
        double reduceScatter = CostModel.Predict(CollectiveKind.ReduceScatter, Algorithm.Ring, DataType.Float32, bytes, pair, probe) ?? 0;
        double allGather = CostModel.Predict(CollectiveKind.AllGather, Algorithm.Ring, DataType.Float32, bytes, pair, probe) ?? 0;
        return Math.Max(0, reduceScatter - allGather);
    }

    public static CostCurve Gamma(IReadOnlyList<(long Bytes, double SecondsPerByte)> measured) =>
        new(measured.Select(point => (point.Bytes, Math.Max(MinSecondsPerByte, point.SecondsPerByte))));

    /// <summary>"collectives tune on HOST at 2026-01-02T03:04:05Z, shm, tcp": what explain and perf print as the costs' origin.</summary>
    public static string Source(IEnumerable<string> transports, DateTime utcNow) =>
        $"collectives tune on {Environment.MachineName} at {utcNow:yyyy-MM-ddTHH:mm:ssZ}, {string.Join(", ", transports)}";

    public static CostProfile Profile(IReadOnlyDictionary<LinkClass, LinkCost> links, CostCurve gamma, string source) =>
        new() { Links = links, Gamma = gamma, Source = source };
}
