using Collectives.Buffers;

namespace Collectives.Algorithms;

/// <summary>
/// Ring all-reduce split across channels: the buffer is cut into one contiguous part per
/// channel and each part runs its own ring over its own connections, all at once, the odd
/// channels turning the other way round so that both directions of every link carry data.
/// Worth it when one connection cannot fill a link (a TCP stream on a fast NIC, one core
/// copying on a big host). Each part is an ordinary ring all-reduce, so every element is
/// finished on one rank and copied to the rest: identical bits on every rank.
/// </summary>
internal static class MultiChannelRingAllReduce
{
    public static async ValueTask RunAsync(CollectiveContext c, ReadOnlyMemory<byte> input, Memory<byte> output, long count, int channels)
    {
        if (c.Size == 1)
        {
            BulkCopy.Copy(input.Span, output.Span);
            return;
        }
        int es = c.ElementSize;
        channels = Math.Clamp(channels, 1, c.ChannelCount);
        var parts = new Task[channels];
        for (int k = 0; k < channels; k++)
        {
            (int offset, int length) = Partition.Bytes(count, channels, k, es);
            // Offsets of part k's frames start at twice its offset: a ring stamps up to 2× a part.
            CollectiveContext channel = c.Channel(k, 2L * offset);
            if (k % 2 == 1)
            {
                // The reverse ring: rank r's right neighbour is r − 1.
                channel = channel.Group(Enumerable.Range(0, c.Size).Select(i => Partition.Mod(-i, c.Size)).ToArray(), 0);
            }
            parts[k] = RunPartAsync(c, channel, input.Slice(offset, length), output.Slice(offset, length), length / es).AsTask();
        }
        await Task.WhenAll(parts).ConfigureAwait(false);
    }

    private static async ValueTask RunPartAsync(CollectiveContext c, CollectiveContext channel, ReadOnlyMemory<byte> input,
        Memory<byte> output, long count)
    {
        try
        {
            await RingAllReduce.ReduceScatterPhaseAsync(channel, input, output, count).ConfigureAwait(false);
            (int ownOffset, int ownLength) = RingAllReduce.OwnedSegment(channel, count);
            c.FinishAverage(output.Slice(ownOffset, ownLength)); // by the full size, once per element
            await RingAllReduce.AllGatherPhaseAsync(channel, output, count).ConfigureAwait(false);
        }
        catch (Exception error)
        {
            // Tear everything down so the other channels fail now instead of at their deadline.
            await c.FailAndObserveAsync(error, default).ConfigureAwait(false);
            throw;
        }
    }
}
