namespace Collectives.Topology;

/// <summary>
/// Where one rank runs, as detected on its host (or read from a topology file): the host it
/// shares memory with, the NUMA node, socket and core it is pinned to (or -1 when unknown or
/// not pinned), and the network interface and address its TCP endpoint uses (null without one).
/// </summary>
public sealed record RankPlacement(
    int Rank,
    string HostId,
    string HostName,
    int NumaNode = -1,
    int Socket = -1,
    int Core = -1,
    string? Interface = null,
    string? Address = null);
