using Collectives.Buffers;
using Collectives.Transport;

namespace Collectives.Algorithms;

/// <summary>
/// Ring all-gather: rank r places its block at r, then for n−1 steps forwards to the right the
/// block it received last (its own first) while receiving the next one from the left.
/// </summary>
internal static class RingAllGather
{
    /// <param name="blockCount">Elements each rank contributes.</param>
    public static async ValueTask RunAsync(CollectiveContext c, ReadOnlyMemory<byte> input, Memory<byte> output, long blockCount)
    {
        int size = c.Size;
        int rank = c.Rank;
        int blockBytes = (int)(blockCount * c.ElementSize);
        // Sent in the first step: kept in cache where it fits.
        BulkCopy.CopyReadSoon(input[..blockBytes].Span, output.Slice(rank * blockBytes, blockBytes).Span);
        int right = (rank + 1) % size;
        int left = Partition.Mod(rank - 1, size);
        // Every block but this rank's own arrives exactly once and is only read after (forwarded,
        // or by the caller): the left neighbour may write them straight into the output.
        PlacementWindow? window = size > 1 ? c.OfferPlacement(left, output[..(size * blockBytes)], 0) : null;
        bool completed = false;
        try
        {
            for (int step = 0; step < size - 1; step++)
            {
                int sendBlock = Partition.Mod(rank - step, size);
                int receiveBlock = Partition.Mod(rank - step - 1, size);
                await c.SendReceiveAsync(right, output.Slice(sendBlock * blockBytes, blockBytes), (long)sendBlock * blockBytes,
                    left, output.Slice(receiveBlock * blockBytes, blockBytes), (long)receiveBlock * blockBytes).ConfigureAwait(false);
            }
            completed = true;
        }
        finally
        {
            window?.Close(completed);
        }
    }
}
