namespace Collectives.Selection;

/// <summary>
/// Every candidate of one selection with its predicted time, the winner, and why it won.
/// <see cref="CircuitModel"/> is null when the cost model priced the candidates, else the
/// optical circuit model's description (the job runs under emulated circuits).
/// </summary>
public sealed record SelectionExplanation(
    CollectiveKind Collective,
    long Bytes,
    IReadOnlyList<CandidateCost> Candidates,
    AlgorithmChoice Winner,
    string Reason,
    string? CircuitModel = null);
