using Collectives.Buffers;
using Collectives.Transport;

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
        if (c.Size == 1)
        {
            BulkCopy.Copy(input.Span, output.Span);
            return;
        }
        // The all-gather's blocks may be written straight into the output: each arrives once, after
        // this rank's reduce-scatter last read or wrote it (the ring carried that use to its owner
        // and the finished block back). Offered now, so the announcement is there long before.
        long gatherBase = count * c.ElementSize;
        PlacementWindow? window = c.OfferPlacement(Partition.Mod(c.Rank - 1, c.Size), output[..(int)gatherBase], gatherBase);
        bool completed = false;
        try
        {
            await ReduceScatterPhaseAsync(c, input, output, count).ConfigureAwait(false);
            (int ownOffset, int ownLength) = OwnedSegment(c, count);
            c.FinishAverage(output.Slice(ownOffset, ownLength));
            await AllGatherPhaseAsync(c, output, count).ConfigureAwait(false);
            completed = true;
        }
        finally
        {
            window?.Close(completed);
        }
    }

    /// <summary>The byte range of the segment this rank finishes in <see cref="ReduceScatterPhaseAsync"/>: segment r+1.</summary>
    public static (int Offset, int Length) OwnedSegment(CollectiveContext c, long count) => OwnedSegment(c.Rank, c.Size, count, c.ElementSize);

    /// <summary>The byte range rank <paramref name="rank"/> of <paramref name="size"/> finishes: segment rank+1 of the partition.</summary>
    public static (int Offset, int Length) OwnedSegment(int rank, int size, long count, int elementSize) =>
        Partition.Bytes(count, size, (rank + 1) % size, elementSize);

    /// <summary>
    /// Reduce-scatter around the ring (n−1 steps): afterwards this rank's <see cref="OwnedSegment"/>
    /// of <paramref name="output"/> holds the reduction of every rank's input; other segments hold
    /// partial sums. At step s send segment r−s, receive segment r−s−1 and fold it into this
    /// rank's own contribution (output = input op incoming).
    /// </summary>
    public static ValueTask ReduceScatterPhaseAsync(CollectiveContext c, ReadOnlyMemory<byte> input, Memory<byte> output, long count) =>
        ReduceScatterPhaseAsync(c, input, output, RingSegments.Even(count, c.Size, c.ElementSize));

    /// <summary>
    /// The same ring over segments the caller cuts (<paramref name="segments"/>.Count == Size):
    /// afterwards this rank's segment r+1 holds the reduction of every rank's input. May run in
    /// place (<paramref name="input"/> and <paramref name="output"/> the same memory): a segment
    /// is read as this rank's contribution in the step that writes it, and never again.
    /// </summary>
    public static async ValueTask ReduceScatterPhaseAsync(CollectiveContext c, ReadOnlyMemory<byte> input, Memory<byte> output,
        RingSegments segments)
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
        for (int step = 0; step < size - 1; step++)
        {
            (int sendOffset, int sendLength) = segments[Partition.Mod(rank - step, size)];
            (int receiveOffset, int receiveLength) = segments[Partition.Mod(rank - step - 1, size)];
            ReadOnlyMemory<byte> send = step == 0 ? input.Slice(sendOffset, sendLength) : output.Slice(sendOffset, sendLength);
            await c.SendReceiveAsync(right, send, sendOffset, left, output.Slice(receiveOffset, receiveLength), receiveOffset,
                reduce: true, local: input.Slice(receiveOffset, receiveLength)).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// All-gather of finished segments around the ring (n−1 steps): each rank starts with its
    /// <see cref="OwnedSegment"/> and ends with all. At step s send r+1−s, receive r−s.
    /// </summary>
    public static async ValueTask AllGatherPhaseAsync(CollectiveContext c, Memory<byte> output, long count)
    {
        int size = c.Size;
        int rank = c.Rank;
        int right = (rank + 1) % size;
        int left = Partition.Mod(rank - 1, size);
        int es = c.ElementSize;
        long gatherBase = count * es;
        for (int step = 0; step < size - 1; step++)
        {
            (int sendOffset, int sendLength) = Partition.Bytes(count, size, Partition.Mod(rank + 1 - step, size), es);
            (int receiveOffset, int receiveLength) = Partition.Bytes(count, size, Partition.Mod(rank - step, size), es);
            await c.SendReceiveAsync(right, output.Slice(sendOffset, sendLength), gatherBase + sendOffset,
                left, output.Slice(receiveOffset, receiveLength), gatherBase + receiveOffset).ConfigureAwait(false);
        }
    }
}
