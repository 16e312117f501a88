namespace Collectives.Topology;

/// <summary>
/// The ranks of one host, in rank order. <see cref="Index"/> numbers hosts by their lowest
/// rank, so every rank numbers them alike.
/// </summary>
public sealed record HostGroup(int Index, string HostId, string HostName, IReadOnlyList<int> Ranks)
{
    public int Count => Ranks.Count;
}
