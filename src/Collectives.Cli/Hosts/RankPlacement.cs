namespace Collectives.Cli.Hosts;

/// <summary>Where one rank of a multi-host run lives: its emulated host and its place among that host's ranks.</summary>
internal sealed record RankPlacement(int Rank, int Host, int LocalRank, int LocalSize);
