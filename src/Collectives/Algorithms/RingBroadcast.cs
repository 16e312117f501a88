namespace Collectives.Algorithms;

/// <summary>
/// Pipelined chain broadcast for large buffers: ranks in ring order from the root; each rank
/// receives chunk k from its predecessor while its send of chunk k−1 to its successor is still in
/// flight. Every link carries the buffer once, so time approaches size / bandwidth.
/// </summary>
internal static class RingBroadcast
{
    public static async ValueTask RunAsync(CollectiveContext c, Memory<byte> buffer, int root)
    {
        int size = c.Size;
        if (size == 1)
        {
            return;
        }
        int position = Partition.Mod(c.Rank - root, size);
        int previous = Partition.Mod(c.Rank - 1, size);
        int next = (c.Rank + 1) % size;
        bool receives = position != 0;
        bool forwards = position != size - 1;
        int chunks = c.ChunkCount(buffer.Length);
        ValueTask sending = default;
        for (int i = 0; i < chunks; i++)
        {
            (int start, int length) = c.Chunk(buffer.Length, i);
            Memory<byte> chunk = buffer.Slice(start, length);
            if (receives)
            {
                try
                {
                    await c.ReceiveCopyAsync(previous, chunk, start).ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    await c.FailAndObserveAsync(e, sending).ConfigureAwait(false);
                    throw;
                }
            }
            await sending.ConfigureAwait(false);
            sending = forwards ? c.SendAsync(next, chunk, start) : default;
        }
        await sending.ConfigureAwait(false);
    }
}
