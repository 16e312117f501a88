namespace Collectives.Cli.Perf;

/// <summary>
/// One rank's buffers, allocated once for the largest size of the sweep and sliced per size, so
/// no size allocates. Pinned, so the GC never moves them under a collective. Each starts
/// <see cref="PerfOptions.OffsetBytes"/> past a page boundary (page-aligned by default, as the
/// MPI peer's aligned_alloc(4096) and nccl-tests' cudaMalloc buffers are): where a GC array
/// happens to start is not a choice. A large pinned array's data lands 56 bytes past a page
/// (.NET 10), and kernel socket copies to and from such a buffer measured up to 2x slower than
/// from an aligned one, so a sweep's rows depended on the largest size it allocated for.
/// </summary>
internal sealed class RankBuffers<T>
    where T : unmanaged
{
    private const int PageBytes = 4096;

    public RankBuffers(IEnumerable<CollectiveLayout> layouts, int offsetBytes)
    {
        int send = 0;
        int inPlace = 0;
        foreach (CollectiveLayout layout in layouts)
        {
            send = Math.Max(send, layout.SendCount);
            inPlace = Math.Max(inPlace, layout.InPlaceCount);
        }
        Send = Placed(send, offsetBytes);
        Receive = Placed(inPlace, offsetBytes);
    }

    /// <summary>Out-of-place input.</summary>
    public Memory<T> Send { get; }

    /// <summary>Out-of-place output, and the in-place buffer (the larger of input and output).</summary>
    public Memory<T> Receive { get; }

    /// <summary><paramref name="count"/> elements of a pinned array, starting <paramref name="offsetBytes"/> past a page boundary.</summary>
    private static unsafe Memory<T> Placed(int count, int offsetBytes)
    {
        // One page of slack holds any start; the array is pinned, so its address is final.
        T[] array = GC.AllocateArray<T>(count + (PageBytes / sizeof(T)), pinned: true);
        long address;
        fixed (T* start = array)
        {
            address = (long)start;
        }
        long skip = ((offsetBytes - (address % PageBytes)) % PageBytes + PageBytes) % PageBytes;
        // Arrays are 8-byte aligned and offsets are whole elements, so the skip is too.
        return array.AsMemory((int)(skip / sizeof(T)), count);
    }
}
