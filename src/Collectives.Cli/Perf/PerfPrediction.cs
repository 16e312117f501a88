namespace Collectives.Cli.Perf;

/// <summary>
/// What the selector planned for one size (perf --predict): the algorithm and its predicted time
/// (µs; NaN when a forced algorithm has no cost formula), from the same topology and cost
/// profile the timed calls selected with.
/// </summary>
internal sealed record PerfPrediction(string Algorithm, double PredictedUs)
{
    /// <summary>measured / predicted; NaN when there is no prediction to compare with.</summary>
    public double Ratio(double measuredUs) => PredictedUs > 0 && double.IsFinite(PredictedUs) ? measuredUs / PredictedUs : double.NaN;
}
