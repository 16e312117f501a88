using System.Threading.Channels;
using Collectives.Wire;

namespace Collectives.Transport.InProcess;

/// <summary>
/// One rank's end of an in-process link. Sends are rendezvous: the receiver reads (reduces or
/// copies) straight out of the sender's buffer, so a message is copied once, by the receiver.
/// </summary>
internal sealed class InProcessLink : IPeerLink, IRemoteMemoryAccess
{
    private readonly InProcessLinkPair _pair;
    private readonly int _end;

    public InProcessLink(InProcessLinkPair pair, int end)
    {
        _pair = pair;
        _end = end;
    }

    public ValueTask SendAsync(FrameHeader header, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default) =>
        _pair.PipeTo(1 - _end).SendAsync(_end, header, payload, cancellationToken);

    public ValueTask<InboundFrame> ReceiveAsync(CancellationToken cancellationToken = default) =>
        _pair.PipeTo(_end).ReceiveAsync(_end, cancellationToken);

    public bool TryPeekHeader(out FrameHeader header) => _pair.PipeTo(_end).TryPeekHeader(out header);

    public void Abort(AbortReason reason) => _pair.Abort(reason, _end);

    public ValueTask DisposeAsync()
    {
        _pair.Abort(new AbortReason(AbortCode.Closed, -1, "the in-process link was closed"), _end);
        return ValueTask.CompletedTask;
    }

    public RemoteRegionExposure Expose(Memory<byte> region) => _pair.Expose(_end, region);

    public ValueTask WriteAsync(RemoteRegionDescriptor target, long offset, ReadOnlyMemory<byte> source,
        ulong completionData, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _pair.Write(_end, target, offset, source.Span, completionData);
        return ValueTask.CompletedTask;
    }

    public async ValueTask<ulong> ReceiveWriteCompletionAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await _pair.ReadWriteCompletionAsync(_end, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException e) when (e.InnerException is LinkAbortedException aborted)
        {
            throw new LinkAbortedException(aborted.Reason, raisedByPeer: _pair.AbortingEnd != _end);
        }
    }
}
