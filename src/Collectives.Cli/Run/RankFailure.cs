namespace Collectives.Cli.Run;

/// <summary>The first rank that failed: its exit code and the last lines it wrote to stderr.</summary>
internal sealed record RankFailure(int Rank, int ExitCode, string StandardErrorTail);
