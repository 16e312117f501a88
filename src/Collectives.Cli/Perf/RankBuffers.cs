namespace Collectives.Cli.Perf;

/// <summary>
/// One rank's buffers, allocated once for the largest size of the sweep and sliced per size, so
/// no size allocates. Pinned, so the GC never moves them under a collective.
/// </summary>
internal sealed class RankBuffers<T>
    where T : unmanaged
{
    public RankBuffers(IEnumerable<CollectiveLayout> layouts)
    {
        int send = 0;
        int inPlace = 0;
        foreach (CollectiveLayout layout in layouts)
        {
            send = Math.Max(send, layout.SendCount);
            inPlace = Math.Max(inPlace, layout.InPlaceCount);
        }
        Send = GC.AllocateArray<T>(send, pinned: true);
        Receive = GC.AllocateArray<T>(inPlace, pinned: true);
    }

    /// <summary>Out-of-place input.</summary>
    public T[] Send { get; }

    /// <summary>Out-of-place output, and the in-place buffer (the larger of input and output).</summary>
    public T[] Receive { get; }
}
