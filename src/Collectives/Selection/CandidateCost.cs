namespace Collectives.Selection;

/// <summary>One algorithm the selector considered and its predicted time (null: it cannot run here, with the reason).</summary>
public sealed record CandidateCost(Algorithm Algorithm, double? PredictedSeconds, string? Unavailable = null);
