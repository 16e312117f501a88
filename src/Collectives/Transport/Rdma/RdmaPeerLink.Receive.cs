using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using Collectives.Transport.Rdma.Native;
using Collectives.Wire;

namespace Collectives.Transport.Rdma;

internal sealed partial class RdmaPeerLink
{
    private readonly LinkCompletion<InboundFrame> _receiveCompletion = new();

    /// <summary>Per sequence modulo the slot count: the slot its message arrived in (-1: not yet) and the message's length.</summary>
    private readonly int[] _arrivedSlot = new int[RdmaTuning.MessageSlots];
    private readonly int[] _arrivedLength = new int[RdmaTuning.MessageSlots];

    /// <summary>Per sequence modulo the slot count: the frame's payload write has landed.</summary>
    private readonly bool[] _landed = new bool[RdmaTuning.MessageSlots];

    private readonly LentFrame[] _lends = new LentFrame[RdmaTuning.MaxLentFrames];
    private readonly Stack<int> _freeLends = new();

    /// <summary>Ring frames in frame order, so ring bytes are released in the order the sender allocated them.</summary>
    private readonly Queue<int> _ringOrder = new();
    private int _lentCount;

    /// <summary>Sequence number of the next frame a receive hands out.</summary>
    private uint _nextTake;

    /// <summary>The receiver's replay of the sender's ring allocation, and the cumulative bytes released.</summary>
    private long _ringHead;
    private long _ringFreed;

    /// <summary>Message slots reposted (cumulative), and what of both counters the peer was last told.</summary>
    private ulong _freedMessages;
    private ulong _reportedMessages;
    private long _reportedRing;

    private long _creditMessages;

    /// <summary>Credit messages this end sent (tests look).</summary>
    internal long CreditMessagesSent => Volatile.Read(ref _creditMessages);

    /// <summary>A frame whose payload was written released its slot since credits were last reported (see <see cref="CreditWorthAMessageLocked"/>).</summary>
    private bool _writtenFrameCredit;
    private bool _creditInFlight;
    private int _creditSlot = -1;

    /// <summary>The registered target of the rendezvous frame being received, and a spare kept for the next one.</summary>
    private RegisteredBuffer? _rendezvousTarget;
    private uint _rendezvousSequence;
    private bool _clearToSendOwed;
    private RegisteredBuffer? _spareRendezvous;

    private bool _receivePending;
    private CancellationTokenRegistration _receiveCancellation;
    private long _lastArrival = long.MinValue / 2;
    private bool _finalArrived;

    /// <summary>Messages and payloads that arrived (a counter a spinning receive watches), and the count it last looked at.</summary>
    private int _arrivals;
    private int _spunArrivals = -1;
    private bool _silenceNoted;

    public ValueTask<InboundFrame> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            AbortForCancellation();
            return ValueTask.FromException<InboundFrame>(Aborted());
        }
        if (_spinTicks > 0 && SpinForFrame(out InboundFrame spun, out Exception? spinError))
        {
            return spinError is null ? new ValueTask<InboundFrame>(spun) : ValueTask.FromException<InboundFrame>(spinError);
        }
        CancellationTokenRegistration registration = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static state => ((RdmaPeerLink)state!).AbortForCancellation(), this)
            : default;
        lock (_gate)
        {
            if (_receivePending)
            {
                registration.Dispose();
                return ValueTask.FromException<InboundFrame>(new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                    $"A receive from endpoint {_key.PeerEndpoint} is already in flight; a link carries one receive at a time.")));
            }
            try
            {
                if (TryTakeLocked(out InboundFrame frame, out Exception? error))
                {
                    registration.Dispose();
                    return error is null ? new ValueTask<InboundFrame>(frame) : ValueTask.FromException<InboundFrame>(error);
                }
            }
            catch (FabricException e)
            {
                FailFromFabricLocked(e);
                registration.Dispose();
                return ValueTask.FromException<InboundFrame>(AbortedLocked());
            }
            _receiveCompletion.Reset();
            _receiveCancellation = registration;
            Volatile.Write(ref _receivePending, true);
        }
        _endpoint.Wake();
        return _receiveCompletion.AsValueTaskOfResult();
    }

    /// <summary>
    /// Polls the completion queue on the caller's thread for up to the receive spin, taking the
    /// next frame as soon as it is complete: the hand-over then costs no wake-up of another thread.
    /// True with a frame or an error; false when the receive must park.
    /// </summary>
    private bool SpinForFrame(out InboundFrame frame, out Exception? error)
    {
        frame = default;
        error = null;
        long end = Stopwatch.GetTimestamp() + _spinTicks;
        var backoff = new PollBackoff();
        _endpoint.EnterCallerPolling();
        try
        {
            do
            {
                int seen = Volatile.Read(ref _arrivals);
                _endpoint.ProgressOnce();
                _endpoint.RetryPendingPosts(); // the progress thread stands aside while a caller polls
                if (Volatile.Read(ref _arrivals) == seen && seen == _spunArrivals)
                {
                    backoff.Pause();
                    continue;
                }
                lock (_gate)
                {
                    _spunArrivals = seen;
                    if (_receivePending)
                    {
                        return false; // another receive is in flight: that one's caller reports the misuse
                    }
                    try
                    {
                        if (TryTakeLocked(out frame, out error))
                        {
                            return true;
                        }
                    }
                    catch (FabricException e)
                    {
                        FailFromFabricLocked(e);
                        error = AbortedLocked();
                        return true;
                    }
                }
            }
            while (Stopwatch.GetTimestamp() < end);
            return false;
        }
        finally
        {
            _endpoint.ExitCallerPolling();
        }
    }

    public bool TryPeekHeader(out FrameHeader header)
    {
        header = default;
        lock (_gate)
        {
            int index = (int)(_nextTake % RdmaTuning.MessageSlots);
            int slot = _arrivedSlot[index];
            if (_released || _abort is { ByPeer: false } || slot < 0)
            {
                return false;
            }
            ReadOnlySpan<byte> message = _frameSlots.Span(slot * SlotBytes, _arrivedLength[index]);
            return message[0] != (byte)MessageKind.Final && message.Length >= HeaderedBytes &&
                FrameHeader.TryRead(message[FrameOffset..], out header, out _);
        }
    }

    void IInboundFrameOwner.Release(short token)
    {
        int index = token & 0xFF;
        lock (_gate)
        {
            ref LentFrame lend = ref _lends[index];
            if (!lend.InUse || lend.Released || lend.Generation != (byte)(token >> 8))
            {
                return; // released twice: the first release counted
            }
            try
            {
                switch (lend.Kind)
                {
                    case LendKind.MessageSlot:
                        RepostFrameSlotLocked(lend.Slot);
                        FreeLendLocked(index);
                        break;
                    case LendKind.Ring:
                        lend.Released = true;
                        while (_ringOrder.TryPeek(out int first) && _lends[first].Released)
                        {
                            _ringFreed = _lends[_ringOrder.Dequeue()].RingEnd;
                            FreeLendLocked(first);
                        }
                        break;
                    case LendKind.Placed:
                        FreeLendLocked(index); // the window's memory is the caller's: nothing to give back
                        break;
                    default:
                        ReturnRendezvousTargetLocked(lend.Buffer!);
                        FreeLendLocked(index);
                        break;
                }
                AdvanceLocked();
            }
            catch (FabricException e)
            {
                FailFromFabricLocked(e);
            }
            FinishTeardownIfDoneLocked();
        }
    }

    /// <summary>A frame message arrived in <paramref name="slot"/>: take its credits now, keep it for its turn.</summary>
    private void OnFrameMessageLocked(int slot, int length)
    {
        ReadOnlySpan<byte> message = _frameSlots.Span(slot * SlotBytes, length);
        if (!MessagePrefix.TryRead(message, out MessagePrefix prefix) || prefix.IsControl)
        {
            FailProtocolLocked(string.Create(CultureInfo.InvariantCulture, $"a malformed {length}-byte frame message"));
            return;
        }
        TakeCreditsLocked(prefix);
        uint ahead = prefix.Sequence - _nextTake;
        int index = (int)(prefix.Sequence % RdmaTuning.MessageSlots);
        if (ahead >= RdmaTuning.MessageSlots || _arrivedSlot[index] >= 0)
        {
            FailProtocolLocked(string.Create(CultureInfo.InvariantCulture,
                $"frame message {prefix.Sequence} while expecting {_nextTake} (more than its credits allow)"));
            return;
        }
        _arrivedSlot[index] = slot;
        _arrivedLength[index] = length;
        _lastArrival = Stopwatch.GetTimestamp();
        _arrivals++;
        if (prefix.Kind == MessageKind.Final)
        {
            // Sends fail from now on; receives still get the frames ordered before it, then its reason.
            PeerAbortedLocked(AbortFrame.Decode(message[FrameOffset..]));
        }
    }

    private void OnControlMessageLocked(int slot, int length)
    {
        ReadOnlySpan<byte> message = _controlSlots.Span(slot * RdmaTuning.ControlSlotBytes, length);
        if (!MessagePrefix.TryRead(message, out MessagePrefix prefix) || !prefix.IsControl ||
            (prefix.Kind == MessageKind.ClearToSend && length < ClearToSendBytes) || (prefix.Kind == MessageKind.Window && length < WindowBytes))
        {
            FailProtocolLocked(string.Create(CultureInfo.InvariantCulture, $"a malformed {length}-byte control message"));
            return;
        }
        TakeCreditsLocked(prefix);
        _warm.TrySetResult();
        if (prefix.Kind == MessageKind.ClearToSend)
        {
            OnClearToSendLocked(prefix.Sequence, BinaryPrimitives.ReadUInt64LittleEndian(message[32..]), BinaryPrimitives.ReadUInt64LittleEndian(message[40..]));
        }
        else if (prefix.Kind == MessageKind.Window)
        {
            OnPeerWindowLocked(message[RdmaTuning.MessagePrefixBytes..]);
        }
        if (_abort is null && !_tearingDown)
        {
            PostControlReceiveLocked(slot);
        }
    }

    private void TakeCreditsLocked(in MessagePrefix prefix)
    {
        if (prefix.FreedMessages > _peerFreedMessages)
        {
            _peerFreedMessages = prefix.FreedMessages;
        }
        if (prefix.FreedRingBytes > _peerFreedRing)
        {
            _peerFreedRing = prefix.FreedRingBytes;
        }
    }

    /// <summary>
    /// Hands out the next frame in order if it is complete (its message arrived, its payload
    /// landed). True with a frame or an error; false when the receive must wait. After the peer
    /// aborted, frames it sent before are still handed out until its final message, or until the
    /// grace for frames in flight passes.
    /// </summary>
    private bool TryTakeLocked(out InboundFrame frame, out Exception? error)
    {
        frame = default;
        error = null;
        if (_abort is { ByPeer: false } || _released)
        {
            error = _abort is null ? new ObjectDisposedException(nameof(RdmaPeerLink)) : AbortedLocked();
            return true;
        }
        int index = (int)(_nextTake % RdmaTuning.MessageSlots);
        int slot = _arrivedSlot[index];
        if (slot < 0)
        {
            return DrainedLocked(out error);
        }
        ReadOnlySpan<byte> message = _frameSlots.Span(slot * SlotBytes, _arrivedLength[index]);
        MessagePrefix.TryRead(message, out MessagePrefix prefix); // checked when it arrived
        MessageKind kind = prefix.Kind;
        if (kind == MessageKind.Final)
        {
            _finalArrived = true;
            PeerAbortedLocked(AbortFrame.Decode(message[FrameOffset..]));
            error = AbortedLocked();
            return true;
        }
        if (!FrameHeader.TryRead(message[FrameOffset..], out FrameHeader header, out FrameHeaderError headerError))
        {
            FailProtocolLocked($"a bad frame header ({headerError})");
            error = AbortedLocked();
            return true;
        }
        int length = header.PayloadLength;
        string? problem = kind switch
        {
            MessageKind.InlineFrame when message.Length != HeaderedBytes + length => "an inline frame whose length disagrees with its header",
            MessageKind.RingFrame when message.Length != HeaderedBytes || length <= 0 || length > _ring.Length / 2 =>
                "a ring frame larger than half the ring or with a payload inside",
            MessageKind.RendezvousFrame when message.Length != HeaderedBytes || length <= 0 => "a malformed rendezvous frame",
            MessageKind.PlacedFrame when message.Length != HeaderedBytes || length <= 0 => "a malformed placed frame",
            not MessageKind.RingFrame when prefix.StartsOverRing => "a frame that is not a ring frame starting over at the ring's beginning",
            _ => null,
        };
        // Where a ring frame lies, replayed as its sender allocated it; the head moves only once the frame is taken.
        long ringHead = _ringHead, ringStart = 0;
        if (problem is null && kind == MessageKind.RingFrame)
        {
            ringStart = RingAllocation.Allocate(ref ringHead, _ring.Length, length, prefix.StartsOverRing);
            if (ringHead - _ringFreed > _ring.Length)
            {
                // A sender within its credits never gets here: its payload would overwrite ones still lent.
                problem = string.Create(CultureInfo.InvariantCulture,
                    $"a ring frame (bytes [{ringStart}, {ringHead})) past the room released in the {_ring.Length}-byte ring (up to {_ringFreed + _ring.Length})");
            }
        }
        if (problem is not null)
        {
            FailProtocolLocked(problem);
            error = AbortedLocked();
            return true;
        }
        ReadOnlyMemory<byte> placedPayload = default;
        if (kind == MessageKind.PlacedFrame)
        {
            if (PlacedPayloadLocked(header) is not { } inWindow)
            {
                error = AbortedLocked();
                return true;
            }
            placedPayload = inWindow;
        }
        if (kind == MessageKind.RendezvousFrame && _rendezvousTarget is null)
        {
            StartRendezvousLocked(_nextTake, length);
        }
        if (kind != MessageKind.InlineFrame && !_landed[index])
        {
            return DrainedLocked(out error);
        }
        if (!_freeLends.TryPop(out int lendIndex))
        {
            error = new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"{RdmaTuning.MaxLentFrames} frames from endpoint {_key.PeerEndpoint} are lent and not disposed; dispose each received frame before taking many more."));
            return true;
        }
        ref LentFrame lend = ref _lends[lendIndex];
        lend.InUse = true;
        lend.Released = false;
        lend.Generation = (byte)((lend.Generation + 1) & 0x7F);
        lend.Kind = kind switch
        {
            MessageKind.InlineFrame => LendKind.MessageSlot,
            MessageKind.RingFrame => LendKind.Ring,
            MessageKind.PlacedFrame => LendKind.Placed,
            _ => LendKind.Rendezvous,
        };
        short token = (short)((lend.Generation << 8) | lendIndex);
        ReadOnlyMemory<byte> payload;
        switch (lend.Kind)
        {
            case LendKind.MessageSlot:
                lend.Slot = slot;
                payload = _frameSlots.Memory.Slice((slot * SlotBytes) + HeaderedBytes, length);
                break;
            case LendKind.Ring:
                _ringHead = ringHead;
                lend.RingEnd = ringHead;
                _ringOrder.Enqueue(lendIndex);
                payload = _ring.Memory.Slice((int)(ringStart % _ring.Length), length);
                break;
            case LendKind.Placed:
                payload = placedPayload;
                _placedFramesTaken++;
                break;
            default:
                lend.Buffer = _rendezvousTarget;
                _rendezvousTarget = null;
                payload = lend.Buffer!.Memory[..length];
                break;
        }
        _lentCount++;
        _arrivedSlot[index] = -1;
        _landed[index] = false;
        _nextTake++;
        if (lend.Kind != LendKind.MessageSlot)
        {
            RepostFrameSlotLocked(slot); // the payload lives elsewhere: the slot is free now
            _writtenFrameCredit = true;
        }
        frame = new InboundFrame(header, payload, this, token);
        return true;
    }

    /// <summary>Nothing to hand out yet: wait, unless the peer left and no more frames can come.</summary>
    private bool DrainedLocked(out Exception? error)
    {
        error = null;
        if (_abort is not { ByPeer: true } abort || (!_finalArrived && Stopwatch.GetTimestamp() < _drainDeadline))
        {
            return false;
        }
        if (!_finalArrived && !_silenceNoted)
        {
            // Only the control connection spoke (the peer died, or could not send its final message): say which fabric stayed silent.
            _silenceNoted = true;
            _abort = abort with { Reason = abort.Reason with { Message = string.Create(CultureInfo.InvariantCulture,
                $"{abort.Reason.Message} (noticed on the control connection of rank {_key.LocalEndpoint}'s rdma link to rank {_key.PeerEndpoint}; {_endpoint.Description} reported no error)") } };
        }
        error = AbortedLocked();
        return true;
    }

    private void FinishReceiveLocked(InboundFrame frame, Exception? error)
    {
        Volatile.Write(ref _receivePending, false);
        _receiveCompletion.Finish(ref _receiveCancellation, frame, error);
    }

    private void FreeLendLocked(int index)
    {
        ref LentFrame lend = ref _lends[index];
        lend.InUse = false;
        lend.Buffer = null;
        _lentCount--;
        _freeLends.Push(index);
    }

    private void RepostFrameSlotLocked(int slot)
    {
        if (_abort is not null || _tearingDown)
        {
            return; // nothing more will be received
        }
        PostFrameReceiveLocked(slot);
        _freedMessages++;
    }

    /// <summary>A clear-to-send: the prefix (sequence = the frame's), then the target's remote address and key.</summary>
    private const int ClearToSendBytes = RdmaTuning.MessagePrefixBytes + 16;

    /// <summary>Registers memory for a rendezvous frame (the spare if it is large enough) and tells the sender where it is.</summary>
    private void StartRendezvousLocked(uint sequence, int length)
    {
        RegisteredBuffer? target = _spareRendezvous;
        _spareRendezvous = null;
        if (target is null || target.Length < length)
        {
            if (target is not null)
            {
                FreeBuffer(target);
            }
            target = Allocate(length, FabricStatus.AccessLocal | FabricStatus.AccessRemoteWrite);
        }
        _rendezvousTarget = target;
        _rendezvousSequence = sequence;
        _clearToSendOwed = true;
        SendClearToSendLocked();
    }

    private void SendClearToSendLocked()
    {
        if (_rendezvousTarget is not { } target || _abort is not null || !_freeControlStaging.TryPop(out int slot))
        {
            return; // a control staging slot frees up with the next control send's completion
        }
        _clearToSendOwed = false;
        Span<byte> message = _controlStaging.Span(slot * RdmaTuning.ControlSlotBytes, RdmaTuning.ControlSlotBytes);
        WritePrefixLocked(message, MessageKind.ClearToSend, _rendezvousSequence);
        BinaryPrimitives.WriteUInt64LittleEndian(message[32..], target.RemoteBase);
        BinaryPrimitives.WriteUInt64LittleEndian(message[40..], target.Key);
        PostControlMessageLocked(slot, ClearToSendBytes);
    }

    /// <summary>A released rendezvous target becomes the spare (registered memory reused), or goes if a spare exists.</summary>
    private void ReturnRendezvousTargetLocked(RegisteredBuffer buffer)
    {
        if (_spareRendezvous is null && !_tearingDown)
        {
            _spareRendezvous = buffer;
        }
        else
        {
            FreeBuffer(buffer);
        }
    }

    /// <summary>
    /// Returns credits in a message of its own when some are owed and none is on its way (one in
    /// flight at a time batches them); frames going the other way carry them for free.
    /// <paramref name="force"/> sends one even with nothing owed (the first message, which also
    /// opens the fabric connection).
    /// </summary>
    private void SendCreditLocked(bool force)
    {
        if (!_ready || _abort is not null || _tearingDown || _creditInFlight ||
            (!force && !CreditWorthAMessageLocked()) || !_freeControlStaging.TryPop(out int slot))
        {
            return;
        }
        _creditMessages++;
        WritePrefixLocked(_controlStaging.Span(slot * RdmaTuning.ControlSlotBytes, RdmaTuning.ControlSlotBytes), MessageKind.Credit, 0);
        PostControlMessageLocked(slot, RdmaTuning.MessagePrefixBytes);
        _creditSlot = slot;
        Volatile.Write(ref _creditInFlight, true);
    }

    /// <summary>
    /// Whether the credits owed deserve a message of their own now. Ring bytes, and the slot of a
    /// frame whose payload was written (ring, placed, rendezvous), always do: over tcp;ofi_rxm,
    /// holding those back made 1-16 MiB all-reduce 1.12-1.53x slower. Slots of inline frames wait
    /// until <see cref="RdmaEndpoint.InlineCreditBatch"/> are owed, riding free on frames going
    /// the other way meanwhile: a credit message after every small frame cost each 2-rank 8 B
    /// all-reduce over tcp;ofi_rxm a second message per direction (43.6 against 25.8 µs). A
    /// sender cannot starve: it stops only with all its slots' frames delivered, and taking them
    /// reaches the batch.
    /// </summary>
    private bool CreditWorthAMessageLocked() =>
        _ringFreed != _reportedRing || _writtenFrameCredit || _freedMessages - _reportedMessages >= _endpoint.InlineCreditBatch;

    private void OnControlSentLocked(int slot)
    {
        _freeControlStaging.Push(slot);
        if (slot == _creditSlot)
        {
            _creditSlot = -1;
            Volatile.Write(ref _creditInFlight, false);
        }
    }
}
