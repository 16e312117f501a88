namespace Collectives.Cli.Run;

/// <summary>How a group of rank processes ended: the first failure, if any, and whether it was interrupted.</summary>
internal sealed record RankGroupResult(RankFailure? FirstFailure, bool Canceled);
