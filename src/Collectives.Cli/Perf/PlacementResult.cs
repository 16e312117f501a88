namespace Collectives.Cli.Perf;

/// <summary>One placement's columns of a row: time per call (µs, the slowest rank), algbw and busbw (GB/s), #wrong.</summary>
/// <param name="Wrong">Elements that differed from the expected result, summed over ranks; null when checking was off.</param>
internal readonly record struct PlacementResult(double TimeUs, double AlgBw, double BusBw, long? Wrong);
