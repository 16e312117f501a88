using Collectives.Buffers;

namespace Collectives.Algorithms;

/// <summary>
/// All-gather in two levels (hosts with unequal rank counts go to <see cref="UnevenHierarchicalAllGather"/>): first a ring across
/// hosts among the ranks with the same local index (each host's network carries every other
/// host's blocks once, spread over all its local ranks), then a ring inside each host that
/// passes each local rank's column of blocks to the others over shared memory. The blocks
/// arrive packed column by column and are put in rank order at the end.
/// </summary>
internal static class HierarchicalAllGather
{
    /// <param name="blockCount">Elements per rank (the input's length).</param>
    public static async ValueTask RunAsync(CollectiveContext c, ReadOnlyMemory<byte> input, Memory<byte> output, long blockCount)
    {
        if (!c.Topology.IsUniform)
        {
            await UnevenHierarchicalAllGather.RunAsync(c, input, output, blockCount).ConfigureAwait(false);
            return;
        }
        int blockBytes = (int)(blockCount * c.ElementSize);
        var grid = new HostGrid(c.Topology);
        int hosts = grid.Hosts, local = grid.Local;
        int myColumn = grid.ColumnOf(c.Rank);
        int columnBytes = hosts * blockBytes;
        Memory<byte> packed = c.Scratch.Get(3, local * columnBytes);

        // Across hosts: my column's blocks, into my column's place. Offsets [0, total).
        CollectiveContext across = c.Group(grid.Column(myColumn), 0);
        await RingAllGather.RunAsync(across, input, packed.Slice(myColumn * columnBytes, columnBytes), blockCount).ConfigureAwait(false);

        // Inside the host: every column. Offsets [total, 2·total).
        CollectiveContext inside = c.Group(grid.HostOf(c.Rank), (long)local * columnBytes);
        Memory<byte> mine = c.Scratch.Get(4, columnBytes);
        packed.Slice(myColumn * columnBytes, columnBytes).CopyTo(mine);
        await RingAllGather.RunAsync(inside, mine, packed, hosts * blockCount).ConfigureAwait(false);

        for (int column = 0; column < local; column++)
        {
            for (int host = 0; host < hosts; host++)
            {
                BulkCopy.CopyStreaming(packed.Slice((column * columnBytes) + (host * blockBytes), blockBytes).Span,
                    output.Slice(grid.RankAt(host, column) * blockBytes, blockBytes).Span);
            }
        }
    }
}
