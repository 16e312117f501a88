namespace Collectives.Algorithms;

/// <summary>
/// Ranks as a grid of H hosts × L local ranks, for the hierarchical all-gather and
/// reduce-scatter, which need every host to run the same number of ranks: column j holds the
/// ranks with local index j, one per host, in host order. Blocks are packed column by column
/// (column j's H blocks at j·H·B, host h's at h·B within), so a column is one contiguous range.
/// </summary>
internal sealed class HostGrid
{
    private readonly HostLayout _hosts;

    public HostGrid(HostLayout hosts)
    {
        if (!hosts.IsUniform)
        {
            throw new InvalidOperationException("The hierarchical all-gather and reduce-scatter need the same number of ranks on every host; the selector should not have chosen them.");
        }
        _hosts = hosts;
    }

    public int Hosts => _hosts.HostCount;

    public int Local => _hosts.MaxLocal;

    /// <summary>The ranks with local index <paramref name="column"/>, in host order.</summary>
    public int[] Column(int column) => Enumerable.Range(0, Hosts).Select(h => _hosts.Members(h)[column]).ToArray();

    /// <summary>The rank on host <paramref name="host"/> with local index <paramref name="column"/>.</summary>
    public int RankAt(int host, int column) => _hosts.Members(host)[column];
}
