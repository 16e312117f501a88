namespace Collectives.Selection;

/// <summary>
/// What the selector decided for one call: the algorithm, the chunk (largest frame payload)
/// and the number of channels (parallel rings over separate connections), with the predicted
/// time in seconds: the cost model's, or under emulated circuits the circuit model's for
/// all-reduce, reduce-scatter and all-gather; NaN when no model can price the call (a forced
/// algorithm without a formula, or under circuits one the circuit model has no schedule for).
/// </summary>
public readonly record struct AlgorithmChoice(Algorithm Algorithm, int ChunkBytes, int Channels, double PredictedSeconds);
