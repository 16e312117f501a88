namespace Collectives.Transport;

/// <summary>
/// One transport's side of a process (shared memory, TCP, RDMA), after NCCL's transport table:
/// it opens this process's endpoint and publishes an opaque address blob, answers whether it can
/// reach a peer from that peer's blob (the can-connect probe), and makes links. Transports never
/// see the store, the selector or the algorithms: the bootstrap carries the blobs between
/// processes, and the first transport in priority order that can connect a pair wins.
/// </summary>
public interface ITransport : IAsyncDisposable
{
    /// <summary>Short name used in options, environment variables and messages ("shm", "tcp").</summary>
    string Name { get; }

    /// <summary>
    /// Opens this endpoint (listens, creates segments) and returns the address blob other
    /// endpoints pass to <see cref="ConnectAsync"/>. Called once, before any other member.
    /// </summary>
    ValueTask<byte[]> StartAsync(TransportEndpoint endpoint, CancellationToken cancellationToken);

    /// <summary>
    /// The can-connect probe: whether this endpoint can make a link to the endpoint that
    /// published <paramref name="peerAddress"/> (shared memory only within one host, say).
    /// Pure: no I/O, same answer at both ends of a pair.
    /// </summary>
    bool CanConnect(ReadOnlySpan<byte> peerAddress);

    /// <summary>
    /// Makes this endpoint's end of the link named by <paramref name="key"/>. Both ends call it
    /// (with each other's address) in any order; the transport decides which end dials. Frames
    /// of up to <see cref="TransportLimits.MaxFramePayload"/> bytes must be carried. Fails with
    /// <see cref="TimeoutException"/> when the peer does not show up within the endpoint's
    /// connect timeout, and with <see cref="AuthenticationException"/> when it is not who it claims.
    /// </summary>
    ValueTask<IPeerLink> ConnectAsync(LinkKey key, ReadOnlyMemory<byte> peerAddress, CancellationToken cancellationToken);
}
