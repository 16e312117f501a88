using System.Globalization;
using Collectives.Wire;

namespace Collectives.Transport.SharedMemory;

internal sealed partial class SharedMemoryLink
{
    private readonly LinkCompletion<bool> _sendCompletion = new();
    private bool _sendPending;
    private SendStage _sendStage;
    private FrameHeader _sendHeader;
    private ReadOnlyMemory<byte> _sendPayload;
    private long _streamed;
    private CancellationTokenRegistration _sendCancellation;

    /// <summary>Sends that could not finish within the spin and waited on the progress thread (diagnostics).</summary>
    internal long ParkedSends { get; private set; }

    private enum SendStage
    {
        /// <summary>Waiting for room for the whole record.</summary>
        Inline,
        /// <summary>A frame above the inline limit, waiting for room for its header record.</summary>
        StreamHeader,
        /// <summary>Its header is in; payload bytes go in as room appears.</summary>
        StreamPayload,
    }

    public ValueTask SendAsync(FrameHeader header, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        if (FrameArguments.PayloadMismatch(header, payload.Length) is { } mismatch)
        {
            return ValueTask.FromException(mismatch);
        }
        if (Volatile.Read(ref _closed) != 0 || _abortArea.IsRaised)
        {
            return ValueTask.FromException(AbortedException());
        }
        if (Volatile.Read(ref _sendPending))
        {
            return ValueTask.FromException(new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"A send to endpoint {PeerEndpoint} is already in flight; a link carries one send at a time.")));
        }
        if (cancellationToken.IsCancellationRequested)
        {
            AbortForCancellation();
            return ValueTask.FromException(AbortedException());
        }
        if (payload.Length <= _out.InlineLimit)
        {
            if (_out.TryWriteFrame(header, payload.Span, out bool wakeConsumer))
            {
                if (wakeConsumer)
                {
                    _peerDoorbell.Ring();
                }
                return ValueTask.CompletedTask;
            }
            if (_spinTicks > 0 && SpinSend(header, payload.Span))
            {
                return ValueTask.CompletedTask;
            }
        }
        return ParkSend(header, payload, cancellationToken);
    }

    private bool SpinSend(in FrameHeader header, ReadOnlySpan<byte> payload)
    {
        var spin = new SpinPhase(_spinTicks);
        while (spin.Next() && !_abortArea.IsRaised)
        {
            if (_out.TryWriteFrame(header, payload, out bool wakeConsumer))
            {
                if (wakeConsumer)
                {
                    _peerDoorbell.Ring();
                }
                return true;
            }
        }
        return false;
    }

    private ValueTask ParkSend(FrameHeader header, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        // Registered before parking: a token cancelled meanwhile aborts the link, which the
        // check under the lock then sees.
        CancellationTokenRegistration registration = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static state => ((SharedMemoryLink)state!).AbortForCancellation(), this)
            : default;
        lock (_gate)
        {
            ParkedSends++;
            _sendCompletion.Reset();
            _sendHeader = header;
            _sendPayload = payload;
            _streamed = 0;
            _sendStage = payload.Length <= _out.InlineLimit ? SendStage.Inline : SendStage.StreamHeader;
            _sendCancellation = registration;
            Volatile.Write(ref _sendPending, true);
            if (IsAbortedLocked())
            {
                FinishSendLocked(AbortedExceptionLocked());
                return _sendCompletion.AsValueTask();
            }
            _out.SetWaiting(true);
        }
        // The consumer may have made room before it could see the flag: look once more.
        ProgressSend();
        return _sendCompletion.AsValueTask();
    }

    private void ProgressSend()
    {
        bool wakeConsumer = false;
        lock (_gate)
        {
            if (!_sendPending)
            {
                return;
            }
            if (IsAbortedLocked())
            {
                FinishSendLocked(AbortedExceptionLocked());
                return;
            }
            ReadOnlySpan<byte> payload = _sendPayload.Span;
            bool done = false;
            if (_sendStage == SendStage.Inline)
            {
                done = _out.TryWriteFrame(_sendHeader, payload, out wakeConsumer);
            }
            else
            {
                if (_sendStage == SendStage.StreamHeader && _out.TryBeginStream(_sendHeader, out wakeConsumer))
                {
                    _sendStage = SendStage.StreamPayload;
                }
                if (_sendStage == SendStage.StreamPayload)
                {
                    done = _out.ContinueStream(payload, ref _streamed, out bool wake);
                    wakeConsumer |= wake;
                }
            }
            if (done)
            {
                FinishSendLocked(null);
            }
        }
        if (wakeConsumer)
        {
            _peerDoorbell.Ring();
        }
    }

    private void FinishSendLocked(Exception? error)
    {
        Volatile.Write(ref _sendPending, false);
        if (_unmapped == 0)
        {
            _out.SetWaiting(false);
        }
        _sendPayload = default;
        _sendCompletion.Finish(ref _sendCancellation, true, error);
    }
}
