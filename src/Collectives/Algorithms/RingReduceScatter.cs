using Collectives.Buffers;

namespace Collectives.Algorithms;

/// <summary>
/// Ring reduce-scatter: n−1 steps; at step s rank r passes its partial sum of block r−s−1 to
/// the right and folds its own block r−s−2 into what arrives from the left. After the last step
/// rank r holds block r, reduced over all ranks. Partial sums live in two scratch blocks
/// (the input is read-only), alternating so a block being sent is never overwritten.
/// </summary>
internal static class RingReduceScatter
{
    /// <param name="blockCount">Elements per rank (the output's length).</param>
    public static async ValueTask RunAsync(CollectiveContext c, ReadOnlyMemory<byte> input, Memory<byte> output, long blockCount)
    {
        int size = c.Size;
        int rank = c.Rank;
        int blockBytes = (int)(blockCount * c.ElementSize);
        if (size == 1)
        {
            BulkCopy.Copy(input[..blockBytes].Span, output.Span);
            return;
        }
        int right = (rank + 1) % size;
        int left = Partition.Mod(rank - 1, size);
        Memory<byte> even = c.Scratch.Get(0, blockBytes);
        Memory<byte> odd = c.Scratch.Get(1, blockBytes);

        for (int step = 0; step < size - 1; step++)
        {
            int sendBlock = Partition.Mod(rank - step - 1, size);
            int receiveBlock = Partition.Mod(rank - step - 2, size);
            ReadOnlyMemory<byte> send = step == 0
                ? input.Slice(sendBlock * blockBytes, blockBytes)
                : (step % 2 == 1 ? even : odd);
            Memory<byte> destination = step == size - 2 ? output[..blockBytes] : (step % 2 == 0 ? even : odd);
            await c.SendReceiveAsync(right, send, (long)sendBlock * blockBytes, left, destination, (long)receiveBlock * blockBytes,
                reduce: true, local: input.Slice(receiveBlock * blockBytes, blockBytes)).ConfigureAwait(false);
        }
        c.FinishAverage(output[..blockBytes]);
    }
}
