namespace Collectives.Selection;

/// <summary>
/// One algorithm the selector considered, its predicted time (null: it cannot run here, with the
/// reason) and its best channel count and chunk; priced by the circuit model, also how many times
/// it changes the circuits during the call and the configurations it goes through.
/// </summary>
public sealed record CandidateCost(Algorithm Algorithm, double? PredictedSeconds, string? Unavailable = null, int Channels = 1,
    int ChunkBytes = CommunicatorOptions.DefaultChunkBytes, int? Reconfigurations = null, string? CircuitPlan = null);
