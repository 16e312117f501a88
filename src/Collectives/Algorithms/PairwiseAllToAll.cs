using Collectives.Buffers;

namespace Collectives.Algorithms;

/// <summary>
/// Pairwise-exchange all-to-all: at step k (1..n−1) rank r sends its block for r+k and receives
/// the block from r−k, so every step is a permutation and no link carries two messages at once.
/// In place, incoming blocks land in scratch first: the block a step would overwrite may not
/// have been sent yet.
/// </summary>
internal static class PairwiseAllToAll
{
    /// <param name="blockCount">Elements per destination rank.</param>
    public static async ValueTask RunAsync(CollectiveContext c, ReadOnlyMemory<byte> input, Memory<byte> output, long blockCount, bool inPlace)
    {
        int size = c.Size;
        int rank = c.Rank;
        int blockBytes = (int)(blockCount * c.ElementSize);
        Memory<byte> received = inPlace ? c.Scratch.Get(0, size * blockBytes) : output[..(size * blockBytes)];
        BulkCopy.Copy(input.Slice(rank * blockBytes, blockBytes).Span, received.Slice(rank * blockBytes, blockBytes).Span);
        for (int step = 1; step < size; step++)
        {
            int to = (rank + step) % size;
            int from = Partition.Mod(rank - step, size);
            // Stamped with where the block lands at the receiver: the sender's rank.
            await c.SendReceiveAsync(to, input.Slice(to * blockBytes, blockBytes), (long)rank * blockBytes,
                from, received.Slice(from * blockBytes, blockBytes), (long)from * blockBytes).ConfigureAwait(false);
        }
        if (inPlace)
        {
            BulkCopy.Copy(received.Span, output.Span);
        }
    }
}
