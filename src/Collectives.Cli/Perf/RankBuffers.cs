namespace Collectives.Cli.Perf;

/// <summary>
/// One rank's buffers, allocated once for the largest size of the sweep and sliced per size, so
/// no size allocates. From <see cref="AlignedMemory"/>: pinned, and starting
/// <see cref="PerfOptions.OffsetBytes"/> past a page boundary (page-aligned by default, as the
/// MPI peer's aligned_alloc(4096) and nccl-tests' cudaMalloc buffers are). Plain GC arrays
/// made a sweep's rows depend on its largest size, which decided where the arrays started.
/// </summary>
internal sealed class RankBuffers<T>
    where T : unmanaged
{
    public RankBuffers(IEnumerable<CollectiveLayout> layouts, int offsetBytes)
    {
        int send = 0;
        int inPlace = 0;
        foreach (CollectiveLayout layout in layouts)
        {
            send = Math.Max(send, layout.SendCount);
            inPlace = Math.Max(inPlace, layout.InPlaceCount);
        }
        Send = AlignedMemory.Allocate<T>(send, offsetBytes);
        Receive = AlignedMemory.Allocate<T>(inPlace, offsetBytes);
    }

    /// <summary>Out-of-place input.</summary>
    public Memory<T> Send { get; }

    /// <summary>Out-of-place output, and the in-place buffer (the larger of input and output).</summary>
    public Memory<T> Receive { get; }
}
