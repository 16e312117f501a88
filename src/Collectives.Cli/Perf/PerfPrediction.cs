namespace Collectives.Cli.Perf;

/// <summary>
/// What the selector planned for one size (perf --predict): the algorithm and its predicted time
/// (µs; NaN when a forced algorithm has no cost formula) for each placement, from the same
/// topology and cost profile the timed calls selected with. The algorithm is the same for both
/// placements; the times differ where the profile measured in-place calls apart.
/// </summary>
internal sealed record PerfPrediction(string Algorithm, double PredictedUs, double InPlacePredictedUs)
{
    /// <summary>A prediction with one time for both placements.</summary>
    public PerfPrediction(string algorithm, double predictedUs)
        : this(algorithm, predictedUs, predictedUs)
    {
    }

    /// <summary>Out of place: measured / predicted; NaN when there is no prediction to compare with.</summary>
    public double Ratio(double measuredUs) => RatioTo(measuredUs, PredictedUs);

    /// <summary>In place: measured / predicted; NaN when there is no prediction to compare with.</summary>
    public double InPlaceRatio(double measuredUs) => RatioTo(measuredUs, InPlacePredictedUs);

    private static double RatioTo(double measuredUs, double predictedUs) =>
        predictedUs > 0 && double.IsFinite(predictedUs) ? measuredUs / predictedUs : double.NaN;
}
