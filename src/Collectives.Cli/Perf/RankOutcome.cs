namespace Collectives.Cli.Perf;

/// <summary>What one rank measured for one size: mean time per call and wrong elements, per placement.</summary>
internal readonly record struct RankOutcome(double OutOfPlaceUs, long OutOfPlaceWrong, double InPlaceUs, long InPlaceWrong);
