using Collectives.Buffers;
using Collectives.Topology;

namespace Collectives.Algorithms;

/// <summary>
/// All-reduce in three phases over a job's hosts: a ring reduce-scatter inside each host (shared
/// memory), an all-reduce of every host's shard across hosts by the ranks that own it (one
/// group per shard, so every local rank drives its own inter-host connections at once), then a
/// ring all-gather inside each host. Inter-host traffic per host is 2(H−1)/H of the buffer
/// instead of the flat ring's 2(n−1)/n, and it is spread over all local ranks.
/// <para>
/// Hosts may run different numbers of ranks: each host splits the buffer among its own ranks,
/// and the buffer is cut at every boundary of every host's split into pieces. Each piece is
/// owned on each host by exactly one rank, and those owners all-reduce it across hosts. Ranks
/// owning several pieces do them in increasing order, the same order on every rank, so the
/// groups cannot wait on each other in a cycle. Each element is finished in one cross-host group
/// (identical bits in the group) and copied inside hosts, so every rank ends with identical bits.
/// </para>
/// </summary>
internal static class HierarchicalAllReduce
{
    /// <param name="crossHostRing">Across hosts, a ring (the two-dimensional ring variant) instead of halving-doubling.</param>
    public static async ValueTask RunAsync(CollectiveContext c, ReadOnlyMemory<byte> input, Memory<byte> output, long count,
        bool crossHostRing)
    {
        if (c.Size == 1)
        {
            BulkCopy.Copy(input.Span, output.Span);
            return;
        }
        JobTopology hosts = c.Topology;
        int es = c.ElementSize;
        long total = count * es;
        int myHost = hosts.HostOf(c.Rank);
        CollectiveContext host = c.Group(hosts.Hosts[myHost].Ranks, 0);

        // Phase 1: reduce-scatter inside the host; offsets [0, total).
        await RingAllReduce.ReduceScatterPhaseAsync(host, input, output, count).ConfigureAwait(false);

        // Phase 2: every piece this rank owns, all-reduced with its owners on the other hosts.
        // Offsets [2·total + 4·piece start, ...): halving-doubling stamps up to 4× a piece.
        foreach (HostPiece piece in HostPiece.Split(hosts, count, es))
        {
            if (piece.Owners[myHost] != c.Rank)
            {
                continue;
            }
            Memory<byte> slice = output.Slice(piece.Offset, piece.Length);
            CollectiveContext across = c.Group(piece.Owners, (2 * total) + (4L * piece.Offset));
            long pieceCount = piece.Length / es;
            if (crossHostRing)
            {
                await RingAllReduce.RunAsync(across, slice, slice, pieceCount).ConfigureAwait(false);
            }
            else
            {
                await HalvingDoublingAllReduce.RunAsync(across, slice, slice, pieceCount).ConfigureAwait(false);
            }
            c.FinishAverage(slice); // by the full size, once per element
        }

        // Phase 3: all-gather inside the host; offsets [total, 2·total).
        await RingAllReduce.AllGatherPhaseAsync(host, output, count).ConfigureAwait(false);
    }
}
