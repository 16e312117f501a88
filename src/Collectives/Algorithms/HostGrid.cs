using Collectives.Topology;

namespace Collectives.Algorithms;

/// <summary>
/// Ranks as a grid of H hosts × L local ranks, for the two-level all-gather and
/// reduce-scatter on hosts that run the same number of ranks: column j holds the ranks with
/// local index j, one per host, in host order. Blocks are packed column by column (column j's
/// H blocks at j·H·B, host h's at h·B within), so a column is one contiguous range.
/// </summary>
internal sealed class HostGrid
{
    private readonly JobTopology _topology;

    public HostGrid(JobTopology topology)
    {
        if (!topology.IsUniform)
        {
            throw new InvalidOperationException("The two-level all-gather and reduce-scatter grid needs the same number of ranks on every host; this is a bug in the algorithm.");
        }
        _topology = topology;
    }

    public int Hosts => _topology.Hosts.Count;

    public int Local => _topology.MaxRanksPerHost;

    /// <summary>The ranks with local index <paramref name="column"/>, in host order.</summary>
    public int[] Column(int column) => _topology.Hosts.Select(h => h.Ranks[column]).ToArray();

    /// <summary>The rank on host <paramref name="host"/> with local index <paramref name="column"/>.</summary>
    public int RankAt(int host, int column) => _topology.Hosts[host].Ranks[column];

    /// <summary>This rank's host's ranks, in rank order.</summary>
    public IReadOnlyList<int> HostOf(int rank) => _topology.Hosts[_topology.HostOf(rank)].Ranks;

    /// <summary>This rank's column.</summary>
    public int ColumnOf(int rank) => _topology.LocalIndexOf(rank);
}
