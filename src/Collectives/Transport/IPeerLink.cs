using Collectives.Wire;

namespace Collectives.Transport;

/// <summary>
/// One end of a reliable, ordered link between two ranks of one communicator. This is all an
/// algorithm may know about a transport.
/// <para>
/// Contract every transport keeps (the conformance tests check it):
/// <list type="bullet">
/// <item>Frames arrive in the order they were sent, each whole, with its header.</item>
/// <item><see cref="SendAsync"/> may complete before or only after the peer has received the
/// frame. A caller must therefore post the matching receive on the peer concurrently with the
/// send, never only after the send completed (ring steps send and receive at once).</item>
/// <item>The payload passed to <see cref="SendAsync"/> must stay unchanged until it completes.</item>
/// <item>One sender and one receiver may use a link at the same time.</item>
/// <item><see cref="Abort"/> fails every pending and later operation, at both ends, with a
/// <see cref="LinkAbortedException"/> carrying the first reason given. Cancelling an operation
/// through its token aborts the link too: a half-done frame cannot be taken back.</item>
/// </list>
/// Optional powers are feature interfaces (<see cref="IRemoteMemoryAccess"/>), not virtual
/// methods that throw.
/// </para>
/// </summary>
public interface IPeerLink : IAsyncDisposable
{
    /// <summary>Sends one frame; <paramref name="payload"/> length must equal <c>header.PayloadLength</c>.</summary>
    ValueTask SendAsync(FrameHeader header, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default);

    /// <summary>Receives the next frame. Dispose the result when done with its payload.</summary>
    ValueTask<InboundFrame> ReceiveAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// The header of the next frame if it has already arrived, without consuming it. Lets a
    /// rank that is stuck waiting on one peer notice that another peer is in a different call.
    /// </summary>
    bool TryPeekHeader(out FrameHeader header);

    /// <summary>Tears the link down at both ends; idempotent, the first reason wins.</summary>
    void Abort(AbortReason reason);
}
