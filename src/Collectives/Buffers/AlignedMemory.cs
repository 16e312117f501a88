namespace Collectives;

/// <summary>
/// Buffers for collectives that start on a page boundary and never move (NCCL's ncclMemAlloc
/// plays this part for GPU memory). Where a GC array starts is chance: a large one's data lands
/// 56 bytes past a page on .NET 10, a smaller one elsewhere. The kernel's socket copies run
/// slower to and from a buffer that starts mid cache line: over TCP loopback a 1 MiB all-reduce
/// between buffers 56 bytes past a page took about 2x as long as between page-aligned ones (median
/// 870 against 430 µs, 2 ranks, and 25% more CPU). Shared memory, where the library's own
/// kernels copy, showed no difference. Allocate long-lived buffers (gradients, a model's flat
/// parameters) here.
/// </summary>
public static class AlignedMemory
{
    /// <summary>The alignment <see cref="Allocate{T}(int, int)"/> gives: one page.</summary>
    public const int PageBytes = 4096;

    /// <summary>
    /// <paramref name="count"/> zeroed elements of pinned memory starting
    /// <paramref name="offsetBytes"/> past a page boundary (0: page-aligned; other offsets
    /// exist to measure what misalignment costs). The memory lives as long as the returned
    /// <see cref="Memory{T}"/> is reachable.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The count is negative or too large, or the offset is not a whole number of elements inside a page.</exception>
    public static unsafe Memory<T> Allocate<T>(int count, int offsetBytes = 0)
        where T : unmanaged
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, (Array.MaxLength - PageBytes) / sizeof(T));
        if (offsetBytes < 0 || offsetBytes >= PageBytes || offsetBytes % sizeof(T) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(offsetBytes), offsetBytes,
                $"The offset past a page boundary must be a multiple of the element size ({sizeof(T)} bytes) from 0 to {PageBytes - 1}.");
        }
        // One page of slack holds any start; the array is pinned, so its address is final.
        T[] array = GC.AllocateArray<T>(count + (PageBytes / sizeof(T)), pinned: true);
        long address;
        fixed (T* start = array)
        {
            address = (long)start;
        }
        long skip = (((offsetBytes - (address % PageBytes)) % PageBytes) + PageBytes) % PageBytes;
        // GC arrays of T start T-aligned (8 bytes at least), and the offset is whole elements.
        return array.AsMemory((int)(skip / sizeof(T)), count);
    }
}
