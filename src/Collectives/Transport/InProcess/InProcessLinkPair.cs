using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Collectives.Transport.InProcess;

/// <summary>
/// The shared state of one in-process link: a pipe each way, the first abort reason, and the
/// regions each end exposed for one-sided writes. End 0 and end 1 are the two ranks.
/// </summary>
internal sealed class InProcessLinkPair
{
    private readonly InProcessPipe[] _toEnd;
    private readonly ConcurrentDictionary<ulong, Memory<byte>>[] _exposed = [new(), new()];
    private readonly Channel<ulong>[] _writeCompletions = [CreateCompletionChannel(), CreateCompletionChannel()];
    private long _nextRegionKey;
    private int _abortingEnd = int.MinValue;

    public InProcessLinkPair()
    {
        _toEnd = [new InProcessPipe(this), new InProcessPipe(this)];
        Ends = [new InProcessLink(this, 0), new InProcessLink(this, 1)];
    }

    public InProcessLink[] Ends { get; }

    /// <summary>The pipe that carries frames to <paramref name="end"/>.</summary>
    public InProcessPipe PipeTo(int end) => _toEnd[end];

    /// <summary>The end that aborted first (-1 for a cancellation), or int.MinValue while healthy.</summary>
    public int AbortingEnd => Volatile.Read(ref _abortingEnd);

    public void Abort(AbortReason reason, int abortingEnd)
    {
        Interlocked.CompareExchange(ref _abortingEnd, abortingEnd, int.MinValue);
        _toEnd[0].Abort(reason, abortingEnd);
        _toEnd[1].Abort(reason, abortingEnd);
        var exception = new LinkAbortedException(reason, raisedByPeer: false);
        _writeCompletions[0].Writer.TryComplete(exception);
        _writeCompletions[1].Writer.TryComplete(exception);
    }

    /// <summary>A cancelled operation cannot be taken back half-done, so it takes the link down.</summary>
    public void AbortForCancellation() =>
        Abort(new AbortReason(AbortCode.Cancelled, -1, "an operation on the in-process link was cancelled"), abortingEnd: -1);

    public RemoteRegionExposure Expose(int end, Memory<byte> region)
    {
        ulong key = (ulong)Interlocked.Increment(ref _nextRegionKey);
        _exposed[end][key] = region;
        return new RemoteRegionExposure(new RemoteRegionDescriptor(0, key, region.Length), () => _exposed[end].TryRemove(key, out _));
    }

    /// <summary>One-sided write from <paramref name="writerEnd"/> into memory the other end exposed.</summary>
    public void Write(int writerEnd, RemoteRegionDescriptor target, long offset, ReadOnlySpan<byte> source, ulong completionData)
    {
        int targetEnd = 1 - writerEnd;
        if (!_exposed[targetEnd].TryGetValue(target.Key, out Memory<byte> region))
        {
            throw new ArgumentException(
                $"Region key {target.Key} is not exposed by the peer (never exposed, or already withdrawn).", nameof(target));
        }
        if (offset < 0 || offset > region.Length - source.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(offset),
                $"Writing {source.Length} bytes at offset {offset} does not fit the peer's {region.Length}-byte region.");
        }
        source.CopyTo(region.Span[(int)offset..]);
        _writeCompletions[targetEnd].Writer.TryWrite(completionData);
    }

    public ValueTask<ulong> ReadWriteCompletionAsync(int end, CancellationToken cancellationToken) =>
        _writeCompletions[end].Reader.ReadAsync(cancellationToken);

    private static Channel<ulong> CreateCompletionChannel() =>
        Channel.CreateUnbounded<ulong>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
}
