namespace Collectives.Cli.Run;

/// <summary>The command line one rank process runs.</summary>
internal sealed record RankCommand(string Program, IReadOnlyList<string> Arguments);
