using Collectives.Buffers;

namespace Collectives.Algorithms;

/// <summary>
/// Ring all-reduce: a reduce-scatter around the ring (n−1 steps; afterwards rank r owns the
/// finished segment r+1), then an all-gather of the finished segments (n−1 steps). Each rank
/// sends and receives 2(n−1)/n of the buffer, the bandwidth optimum. Segments stream in chunks
/// so a step's send and receive are both in flight. Every element is finished on exactly one
/// rank and copied to the others, so all ranks end with identical bits.
/// </summary>
internal static class RingAllReduce
{
    public static async ValueTask RunAsync(CollectiveContext c, ReadOnlyMemory<byte> input, Memory<byte> output, long count)
    {
        int size = c.Size;
        int rank = c.Rank;
        if (size == 1)
        {
            BulkCopy.Copy(input.Span, output.Span);
            return;
        }
        int right = (rank + 1) % size;
        int left = Partition.Mod(rank - 1, size);
        int es = c.ElementSize;
        long gatherBase = count * es;

        // Reduce-scatter: at step s send segment r−s, receive segment r−s−1 and fold it into
        // this rank's own contribution (output = input op incoming).
        for (int step = 0; step < size - 1; step++)
        {
            (int sendOffset, int sendLength) = Partition.Bytes(count, size, Partition.Mod(rank - step, size), es);
            (int receiveOffset, int receiveLength) = Partition.Bytes(count, size, Partition.Mod(rank - step - 1, size), es);
            ReadOnlyMemory<byte> send = step == 0 ? input.Slice(sendOffset, sendLength) : output.Slice(sendOffset, sendLength);
            await c.SendReceiveAsync(right, send, sendOffset, left, output.Slice(receiveOffset, receiveLength), receiveOffset,
                reduce: true, local: input.Slice(receiveOffset, receiveLength)).ConfigureAwait(false);
        }

        (int ownOffset, int ownLength) = Partition.Bytes(count, size, (rank + 1) % size, es);
        c.FinishAverage(output.Slice(ownOffset, ownLength));

        // All-gather: pass finished segments around; at step s send r+1−s, receive r−s.
        for (int step = 0; step < size - 1; step++)
        {
            (int sendOffset, int sendLength) = Partition.Bytes(count, size, Partition.Mod(rank + 1 - step, size), es);
            (int receiveOffset, int receiveLength) = Partition.Bytes(count, size, Partition.Mod(rank - step, size), es);
            await c.SendReceiveAsync(right, output.Slice(sendOffset, sendLength), gatherBase + sendOffset,
                left, output.Slice(receiveOffset, receiveLength), gatherBase + receiveOffset).ConfigureAwait(false);
        }
    }
}
