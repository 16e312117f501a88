using System.Runtime.CompilerServices;
using Collectives.Threading;
using Collectives.Wire;
using Microsoft.Extensions.ObjectPool;

namespace Collectives.Transport.InProcess;

/// <summary>
/// One direction of an in-process link: a queue of frames from one sender to one receiver,
/// with rendezvous completion (a send finishes when the receiver releases the payload).
/// </summary>
internal sealed class InProcessPipe
{
    private static readonly ObjectPool<PendingFrame> FramePool =
        new DefaultObjectPool<PendingFrame>(new DefaultPooledObjectPolicy<PendingFrame>(), maximumRetained: 1024);

    private readonly object _gate = new();
    private readonly Queue<PendingFrame> _queue = new();
    private readonly ReusableCompletion _receiverWake = new();
    private readonly InProcessLinkPair _pair;
    private bool _receiverWaiting;
    private AbortReason? _abort;
    private int _abortedBy = -1;

    public InProcessPipe(InProcessLinkPair pair) => _pair = pair;

    /// <summary>Queues a frame and waits until the receiver has released its payload.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask SendAsync(int senderEnd, FrameHeader header, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        if (payload.Length != header.PayloadLength)
        {
            throw new ArgumentException(
                $"The header announces {header.PayloadLength} payload bytes but the payload has {payload.Length}.", nameof(payload));
        }
        PendingFrame frame = FramePool.Get();
        frame.Prepare(this, header, payload);
        bool wake;
        lock (_gate)
        {
            if (_abort is not null)
            {
                frame.Clear();
                FramePool.Return(frame);
                throw new LinkAbortedException(_abort, _abortedBy != senderEnd);
            }
            _queue.Enqueue(frame);
            wake = _receiverWaiting;
            _receiverWaiting = false;
        }
        if (wake)
        {
            _receiverWake.TrySetResult();
        }
        try
        {
            using (cancellationToken.UnsafeRegister(static (state, token) => ((InProcessLinkPair)state!).AbortForCancellation(), _pair))
            {
                await frame.Consumed.AsValueTask().ConfigureAwait(false);
            }
        }
        catch (LinkAbortedException e)
        {
            throw ForEnd(e, senderEnd);
        }
        finally
        {
            frame.Clear();
            FramePool.Return(frame);
        }
    }

    /// <summary>Waits for the next frame and lends it to the receiver.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<InboundFrame> ReceiveAsync(int receiverEnd, CancellationToken cancellationToken)
    {
        while (true)
        {
            PendingFrame? frame;
            lock (_gate)
            {
                if (!_queue.TryDequeue(out frame))
                {
                    if (_abort is not null)
                    {
                        throw new LinkAbortedException(_abort, _abortedBy != receiverEnd);
                    }
                    _receiverWake.Reset();
                    _receiverWaiting = true;
                }
            }
            if (frame is not null)
            {
                return Lend(frame, receiverEnd);
            }
            using (cancellationToken.UnsafeRegister(static (state, token) => ((InProcessLinkPair)state!).AbortForCancellation(), _pair))
            {
                try
                {
                    await _receiverWake.AsValueTask().ConfigureAwait(false);
                }
                catch (LinkAbortedException e)
                {
                    throw ForEnd(e, receiverEnd);
                }
            }
        }
    }

    /// <summary>Fails the waiting receiver and every queued sender; lent frames finish on release.</summary>
    public void Abort(AbortReason reason, int abortingEnd)
    {
        PendingFrame[] failed;
        bool wakeReceiver;
        lock (_gate)
        {
            if (_abort is not null)
            {
                return;
            }
            _abort = reason;
            _abortedBy = abortingEnd;
            failed = _queue.ToArray();
            _queue.Clear();
            wakeReceiver = _receiverWaiting;
            _receiverWaiting = false;
        }
        // The exception's RaisedByPeer is fixed up by the waiter, which knows its own end.
        var exception = new LinkAbortedException(reason, raisedByPeer: false);
        foreach (PendingFrame frame in failed)
        {
            frame.Consumed.TrySetException(exception);
        }
        if (wakeReceiver)
        {
            _receiverWake.TrySetException(exception);
        }
    }

    /// <summary>
    /// The receiver released a lent frame. If the link was aborted meanwhile (the receiver
    /// rejected the frame, or anything else failed), the sender learns of the failure instead of
    /// a success it cannot rely on.
    /// </summary>
    public void Complete(PendingFrame frame)
    {
        AbortReason? abort;
        lock (_gate)
        {
            abort = _abort;
        }
        if (abort is null)
        {
            frame.Consumed.TrySetResult();
        }
        else
        {
            frame.Consumed.TrySetException(new LinkAbortedException(abort, raisedByPeer: false));
        }
    }

    /// <summary>The next frame's header, if one is queued; the frame stays queued.</summary>
    public bool TryPeekHeader(out FrameHeader header)
    {
        lock (_gate)
        {
            if (_queue.TryPeek(out PendingFrame? frame))
            {
                return FrameHeader.TryRead(frame.HeaderBytes, out header, out _);
            }
        }
        header = default;
        return false;
    }

    /// <summary>The abort exceptions are raised once for all waiters; each waiter learns which end aborted.</summary>
    private LinkAbortedException ForEnd(LinkAbortedException e, int end) =>
        new(e.Reason, raisedByPeer: Volatile.Read(ref _abortedBy) != end);

    private InboundFrame Lend(PendingFrame frame, int receiverEnd)
    {
        if (!FrameHeader.TryRead(frame.HeaderBytes, out FrameHeader header, out FrameHeaderError error))
        {
            // Cannot happen between two honest ends of this process; handled like any wire.
            var reason = new AbortReason(AbortCode.Protocol, -1, $"the in-process link carried a malformed frame header ({error})");
            frame.Consumed.TrySetException(new LinkAbortedException(reason, raisedByPeer: true));
            _pair.Abort(reason, receiverEnd);
            throw new LinkAbortedException(reason, raisedByPeer: false);
        }
        return new InboundFrame(header, frame.Payload, frame, frame.Consumed.Version);
    }
}
