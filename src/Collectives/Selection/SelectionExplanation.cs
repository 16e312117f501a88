namespace Collectives.Selection;

/// <summary>Every candidate of one selection with its predicted time, the winner, and why it won.</summary>
public sealed record SelectionExplanation(
    CollectiveKind Collective,
    long Bytes,
    IReadOnlyList<CandidateCost> Candidates,
    AlgorithmChoice Winner,
    string Reason);
