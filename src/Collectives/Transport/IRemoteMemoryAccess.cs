namespace Collectives.Transport;

/// <summary>
/// Feature interface of links that can write straight into memory the peer exposed (RDMA
/// write with completion data; the in-process transport emulates it with a copy). Ask with
/// <c>link is IRemoteMemoryAccess rma</c>.
/// </summary>
public interface IRemoteMemoryAccess
{
    /// <summary>
    /// Lets the peer write into <paramref name="region"/> until the returned exposure is
    /// disposed. Send <see cref="RemoteRegionExposure.Descriptor"/> to the peer in a frame.
    /// </summary>
    RemoteRegionExposure Expose(Memory<byte> region);

    /// <summary>
    /// Writes <paramref name="source"/> at <paramref name="offset"/> of the peer's region, then
    /// delivers <paramref name="completionData"/> to the peer's <see cref="ReceiveWriteCompletionAsync"/>.
    /// </summary>
    ValueTask WriteAsync(RemoteRegionDescriptor target, long offset, ReadOnlyMemory<byte> source,
        ulong completionData, CancellationToken cancellationToken = default);

    /// <summary>Waits for the next write the peer completed into this end's exposed memory.</summary>
    ValueTask<ulong> ReceiveWriteCompletionAsync(CancellationToken cancellationToken = default);
}
