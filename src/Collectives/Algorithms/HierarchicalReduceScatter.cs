using Collectives.Buffers;

namespace Collectives.Algorithms;

/// <summary>
/// Reduce-scatter in two levels, for hosts that run the same number of ranks (hosts with unequal
/// rank counts go to <see cref="UnevenHierarchicalReduceScatter"/>): the input's blocks are
/// packed column by column (column j = the blocks of the ranks with local index j, in host
/// order), a ring inside each host leaves local rank j with its host's partial sums of column j,
/// and a ring across hosts among column j's ranks finishes each one's own block. Each host's
/// network carries (H−1)/H of the data once, spread over all its local ranks, instead of the
/// flat ring's (n−1)/n through one crossing.
/// </summary>
internal static class HierarchicalReduceScatter
{
    /// <param name="blockCount">Elements per rank (the output's length).</param>
    public static async ValueTask RunAsync(CollectiveContext c, ReadOnlyMemory<byte> input, Memory<byte> output, long blockCount)
    {
        if (!c.Topology.IsUniform)
        {
            await UnevenHierarchicalReduceScatter.RunAsync(c, input, output, blockCount).ConfigureAwait(false);
            return;
        }
        int blockBytes = (int)(blockCount * c.ElementSize);
        var grid = new HostGrid(c.Topology);
        int hosts = grid.Hosts, local = grid.Local;
        int myColumn = grid.ColumnOf(c.Rank);
        int columnBytes = hosts * blockBytes;

        Memory<byte> packed = c.Scratch.Get(3, local * columnBytes);
        for (int column = 0; column < local; column++)
        {
            for (int host = 0; host < hosts; host++)
            {
                input.Slice(grid.RankAt(host, column) * blockBytes, blockBytes).Span
                    .CopyTo(packed.Slice((column * columnBytes) + (host * blockBytes), blockBytes).Span);
            }
        }

        // Inside the host: my column's host-partial sums. Offsets [0, total).
        Memory<byte> partial = c.Scratch.Get(4, columnBytes);
        CollectiveContext inside = c.Group(grid.HostOf(c.Rank), 0);
        await RingReduceScatter.RunAsync(inside, packed, partial, hosts * blockCount).ConfigureAwait(false);

        // Across hosts: my own block, finished. Offsets [total, 2·total).
        CollectiveContext across = c.Group(grid.Column(myColumn), (long)local * columnBytes);
        await RingReduceScatter.RunAsync(across, partial, output[..blockBytes], blockCount).ConfigureAwait(false);
        c.FinishAverage(output[..blockBytes]);
    }
}
