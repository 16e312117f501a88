using Collectives.Wire;

namespace Collectives.Transport;

/// <summary>
/// The common part of link decorators that act on what this end sends (injected faults, emulated
/// circuits): receives and peeks go straight to the link underneath, and aborting or disposing
/// the link also cancels <see cref="Aborted"/>, so a send waiting out a decorator's delay notices
/// at once that the link went down.
/// </summary>
public abstract class PeerLinkDecorator : IPeerLink
{
    // Never disposed: it has no timer, and a send racing a dispose must meet the link's abort, not an ObjectDisposedException.
    private readonly CancellationTokenSource _aborted = new();

    protected PeerLinkDecorator(IPeerLink inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        Inner = inner;
    }

    /// <summary>The link underneath (tests look at it).</summary>
    public IPeerLink Inner { get; }

    /// <summary>Cancelled once the link is aborted or disposed.</summary>
    protected CancellationToken Aborted => _aborted.Token;

    public abstract ValueTask SendAsync(FrameHeader header, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default);

    public ValueTask<InboundFrame> ReceiveAsync(CancellationToken cancellationToken = default) => Inner.ReceiveAsync(cancellationToken);

    public bool TryPeekHeader(out FrameHeader header) => Inner.TryPeekHeader(out header);

    public void Abort(AbortReason reason)
    {
        Inner.Abort(reason);
        _aborted.Cancel();
    }

    public async ValueTask DisposeAsync()
    {
        await Inner.DisposeAsync().ConfigureAwait(false);
        _aborted.Cancel();
    }
}
