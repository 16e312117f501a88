namespace Collectives.Algorithms;

/// <summary>
/// Dissemination barrier: in round k rank r signals r+2^k and waits for r−2^k. After
/// ⌈log2 n⌉ rounds every rank has heard, directly or not, from every other.
/// </summary>
internal static class DisseminationBarrier
{
    public static async ValueTask RunAsync(CollectiveContext c)
    {
        int size = c.Size;
        for (int distance = 1; distance < size; distance <<= 1)
        {
            await c.SendReceiveAsync((c.Rank + distance) % size, ReadOnlyMemory<byte>.Empty, distance,
                Partition.Mod(c.Rank - distance, size), Memory<byte>.Empty, distance).ConfigureAwait(false);
        }
    }
}
