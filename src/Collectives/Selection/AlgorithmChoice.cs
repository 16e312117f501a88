namespace Collectives.Selection;

/// <summary>
/// What the selector decided for one call: the algorithm, the chunk (largest frame payload)
/// and the number of channels (parallel rings over separate connections), with the predicted
/// time in seconds (NaN when the algorithm was forced and the model cannot price it).
/// </summary>
public readonly record struct AlgorithmChoice(Algorithm Algorithm, int ChunkBytes, int Channels, double PredictedSeconds);
