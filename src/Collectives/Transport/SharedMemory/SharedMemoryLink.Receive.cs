using System.Globalization;

namespace Collectives.Transport.SharedMemory;

internal sealed partial class SharedMemoryLink
{
    private readonly LinkCompletion<InboundFrame> _receiveCompletion = new();
    private bool _receivePending;
    private CancellationTokenRegistration _receiveCancellation;

    /// <summary>Receives that found no frame within the spin and waited on the progress thread (diagnostics).</summary>
    internal long ParkedReceives { get; private set; }

    public ValueTask<InboundFrame> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _closed) != 0)
        {
            return ValueTask.FromException<InboundFrame>(AbortedException());
        }
        if (_abortArea.IsRaised)
        {
            return ReceiveAfterAbort();
        }
        if (Volatile.Read(ref _receivePending))
        {
            return ValueTask.FromException<InboundFrame>(new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"A receive from endpoint {PeerEndpoint} is already in flight; a link carries one receive at a time.")));
        }
        if (cancellationToken.IsCancellationRequested)
        {
            AbortForCancellation();
            return ValueTask.FromException<InboundFrame>(AbortedException());
        }
        if (TryTake(out InboundFrame frame, out Exception? error))
        {
            return error is null ? new ValueTask<InboundFrame>(frame) : ValueTask.FromException<InboundFrame>(error);
        }
        if (_spinTicks > 0)
        {
            var spin = new SpinPhase(_spinTicks);
            while (spin.Next() && !_abortArea.IsRaised)
            {
                if (_in.MayHaveData && TryTake(out frame, out error))
                {
                    return error is null ? new ValueTask<InboundFrame>(frame) : ValueTask.FromException<InboundFrame>(error);
                }
            }
        }
        return ParkReceive(cancellationToken);
    }

    private ValueTask<InboundFrame> ReceiveAfterAbort()
    {
        lock (_gate)
        {
            Exception? error = DrainLocked(out InboundFrame frame);
            return error is null ? new ValueTask<InboundFrame>(frame) : ValueTask.FromException<InboundFrame>(error);
        }
    }

    /// <summary>One look at the ring from the caller's thread: true with a frame or an error, false when there is nothing yet.</summary>
    private bool TryTake(out InboundFrame frame, out Exception? error)
    {
        ReceiveStatus status = _in.TryReceive(this, out frame, out string? problem, out bool wakeProducer);
        if (wakeProducer)
        {
            _peerDoorbell.Ring();
        }
        error = status switch
        {
            ReceiveStatus.Frame or ReceiveStatus.Empty => null,
            ReceiveStatus.TooManyLends => new InvalidOperationException(problem + "; dispose each received frame before taking many more."),
            ReceiveStatus.Malformed => FailProtocolAndDescribe(problem!),
            _ => AbortedException(),
        };
        return status != ReceiveStatus.Empty;
    }

    private LinkAbortedException FailProtocolAndDescribe(string problem)
    {
        FailProtocol(problem);
        return AbortedException();
    }

    private ValueTask<InboundFrame> ParkReceive(CancellationToken cancellationToken)
    {
        CancellationTokenRegistration registration = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static state => ((SharedMemoryLink)state!).AbortForCancellation(), this)
            : default;
        lock (_gate)
        {
            ParkedReceives++;
            _receiveCompletion.Reset();
            _receiveCancellation = registration;
            Volatile.Write(ref _receivePending, true);
            if (IsAbortedLocked())
            {
                Exception? error = DrainLocked(out InboundFrame frame);
                FinishReceiveLocked(frame, error);
                return _receiveCompletion.AsValueTaskOfResult();
            }
            _in.SetWaiting(true);
        }
        // The producer may have published before it could see the flag: look once more.
        ProgressReceive();
        return _receiveCompletion.AsValueTaskOfResult();
    }

    private void ProgressReceive()
    {
        bool wakeProducer = false;
        lock (_gate)
        {
            if (!_receivePending)
            {
                return;
            }
            if (IsAbortedLocked())
            {
                Exception? error = DrainLocked(out InboundFrame drained);
                FinishReceiveLocked(drained, error);
                return;
            }
            ReceiveStatus status = _in.TryReceive(this, out InboundFrame frame, out string? problem, out wakeProducer);
            switch (status)
            {
                case ReceiveStatus.Frame:
                    FinishReceiveLocked(frame, null);
                    break;
                case ReceiveStatus.TooManyLends:
                    FinishReceiveLocked(default, new InvalidOperationException(problem + "; dispose each received frame before taking many more."));
                    break;
                case ReceiveStatus.Malformed:
                    FailProtocol(problem!);
                    break;
                case ReceiveStatus.Closed:
                    FinishReceiveLocked(default, AbortedExceptionLocked());
                    break;
            }
        }
        if (wakeProducer)
        {
            _peerDoorbell.Ring();
        }
    }

    private void FinishReceiveLocked(InboundFrame frame, Exception? error)
    {
        Volatile.Write(ref _receivePending, false);
        if (_unmapped == 0)
        {
            _in.SetWaiting(false);
        }
        _receiveCompletion.Finish(ref _receiveCancellation, frame, error);
    }
}
