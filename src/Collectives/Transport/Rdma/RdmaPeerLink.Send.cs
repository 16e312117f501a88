using System.Buffers;
using System.Globalization;
using System.Diagnostics;
using Collectives.Transport.Rdma.Native;
using Collectives.Wire;

namespace Collectives.Transport.Rdma;

internal sealed partial class RdmaPeerLink
{
    private readonly LinkCompletion<bool> _sendCompletion = new();
    private readonly Stack<int> _freeFrameStaging = new();
    private readonly Stack<int> _freeControlStaging = new();

    /// <summary>Sequence number of the next frame message (frames and the final message share it).</summary>
    private uint _nextSend;

    /// <summary>Cumulative credits the peer returned: message slots it reposted, ring bytes it released.</summary>
    private ulong _peerFreedMessages;
    private ulong _peerFreedRing;

    /// <summary>Cumulative allocation head in the peer's ring (see <see cref="RingAllocation"/>).</summary>
    private long _remoteRingHead;

    private bool _sendActive;
    private bool _sendAwaited;
    private SendPhase _sendPhase;
    private FrameHeader _sendHeader;
    private ReadOnlyMemory<byte> _sendPayload;
    private uint _sendSequence;
    private CancellationTokenRegistration _sendCancellation;

    /// <summary>Why the last send that finished on the caller's thread failed, for its caller (null when it succeeded).</summary>
    private Exception? _sendFailure;

    /// <summary>The staging slot of the final message while it is on its way (-1: none or sent).</summary>
    private int _finalSlot = -1;

    /// <summary>What the payload write reads from: pinned until the write completes, even when the send already failed.</summary>
    private bool _writeInFlight;
    private MemoryHandle _sendPin;
    private bool _sendPinned;
    private FabricMemoryRegionHandle? _sendRegion;
    private bool _sendRegionOwned;
    private bool _sendRegionReferenced;
    private RegisteredBuffer? _payloadStaging;

    private enum SendPhase
    {
        /// <summary>Waiting for a message credit, a staging slot or room in the peer's ring.</summary>
        Resources,
        /// <summary>A rendezvous frame's header went; waiting for the peer to say where its payload goes.</summary>
        ClearToSend,
        /// <summary>The payload write is posted; the send completes with it.</summary>
        Writing,
    }

    public ValueTask SendAsync(FrameHeader header, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        if (FrameArguments.PayloadMismatch(header, payload.Length) is { } mismatch)
        {
            return ValueTask.FromException(mismatch);
        }
        if (Volatile.Read(ref _abort) is not null)
        {
            return ValueTask.FromException(Aborted());
        }
        if (cancellationToken.IsCancellationRequested)
        {
            AbortForCancellation();
            return ValueTask.FromException(Aborted());
        }
        // A peer that aborted sent its final message before anything else could tell us: look for it
        // unless frames are flowing (a peer that sent within the window was alive after any abort).
        if (Stopwatch.GetTimestamp() - Volatile.Read(ref _lastArrival) > RecentArrivalTicks)
        {
            _endpoint.ProgressOnce(waitForPoller: true);
        }
        CancellationTokenRegistration registration = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static state => ((RdmaPeerLink)state!).AbortForCancellation(), this)
            : default;
        lock (_gate)
        {
            if (_abort is not null)
            {
                registration.Dispose();
                return ValueTask.FromException(AbortedLocked());
            }
            if (_sendActive)
            {
                registration.Dispose();
                return ValueTask.FromException(new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                    $"A send to endpoint {_key.PeerEndpoint} is already in flight; a link carries one send at a time.")));
            }
            _sendActive = true;
            _sendAwaited = false;
            _sendPhase = SendPhase.Resources;
            _sendHeader = header;
            _sendPayload = payload;
            _sendCompletion.Reset();
            try
            {
                AdvanceSendLocked();
            }
            catch (FabricException e)
            {
                FailFromFabricLocked(e);
            }
            if (!_sendActive)
            {
                // Finished (or failed) here and now: nobody awaits the reusable completion this round.
                registration.Dispose();
                return _sendFailure is { } failure ? ValueTask.FromException(failure) : ValueTask.CompletedTask;
            }
            _sendAwaited = true;
            _sendCancellation = registration;
        }
        SpinForSend();
        if (Volatile.Read(ref _sendActive))
        {
            _endpoint.Wake();
        }
        return _sendCompletion.AsValueTask();
    }

    /// <summary>
    /// Polls on the caller's thread, right after the post, for up to the receive spin, as a
    /// receive does: the write's completion (the provider's word that its bytes left) usually
    /// follows within tens of microseconds, and the same polls move the peer's frame, which the
    /// receive that follows then finds ready. A send that completes here returns completed, so
    /// its caller's await goes straight on. Parked, it cost a wake-up of the progress thread and
    /// then one of the awaiting thread; and spun from the awaiter's OnCompleted (the last
    /// design), its continuation still went through the thread pool: 2-rank all-reduce over
    /// tcp;ofi_rxm and shm took 0.86-0.97x the time with the spin here instead.
    /// </summary>
    private void SpinForSend()
    {
        if (_spinTicks <= 0 || !Volatile.Read(ref _sendActive))
        {
            return;
        }
        long end = Stopwatch.GetTimestamp() + _spinTicks;
        var backoff = new PollBackoff();
        _endpoint.EnterCallerPolling();
        try
        {
            while (Volatile.Read(ref _sendActive) && Stopwatch.GetTimestamp() < end)
            {
                if (_endpoint.ProgressOnce() == 0)
                {
                    _endpoint.RetryPendingPosts(); // the progress thread stands aside while a caller polls
                    backoff.Pause();
                }
            }
        }
        finally
        {
            _endpoint.ExitCallerPolling();
        }
    }

    private void AbortForCancellation() => Abort(new AbortReason(AbortCode.Cancelled, -1, string.Create(CultureInfo.InvariantCulture,
        $"an operation on the rdma link from endpoint {_key.LocalEndpoint} to endpoint {_key.PeerEndpoint} was cancelled")));

    /// <summary>Moves the active send as far as credits and the peer allow.</summary>
    private void AdvanceSendLocked()
    {
        if (_sendPhase != SendPhase.Resources || _abort is not null)
        {
            return;
        }
        int length = _sendPayload.Length;
        bool inline = length <= _remote.InlineLimit;
        ulong placedAddress = 0;
        bool placed = !inline && TryPlaceLocked(length, out placedAddress);
        bool ring = !inline && !placed && length <= _remote.RingBytes / 2;
        // One message slot stays back for the final message, so an abort can always be told in order.
        if (_nextSend - _peerFreedMessages >= (ulong)(_remote.MessageSlots - 1) || _freeFrameStaging.Count == 0)
        {
            return;
        }
        long head = _remoteRingHead;
        long start = 0;
        bool startOver = false;
        if (ring)
        {
            startOver = RingAllocation.StartsOver(head, _remote.RingBytes, RdmaTuning.RingHotWindow(_remote.RingBytes), length,
                (long)_peerFreedRing);
            start = RingAllocation.Allocate(ref head, _remote.RingBytes, length, startOver);
            if (head - (long)_peerFreedRing > _remote.RingBytes)
            {
                return;
            }
        }
        int slot = _freeFrameStaging.Pop();
        uint sequence = _nextSend++;
        _sendSequence = sequence;
        Span<byte> message = _frameStaging.Span(slot * SlotBytes, SlotBytes);
        WritePrefixLocked(message, inline ? MessageKind.InlineFrame : placed ? MessageKind.PlacedFrame : ring ? MessageKind.RingFrame : MessageKind.RendezvousFrame,
            sequence, startOver);
        _sendHeader.Write(message[FrameOffset..]);
        if (inline)
        {
            _sendPayload.Span.CopyTo(message[HeaderedBytes..]);
            PostFrameMessageLocked(slot, HeaderedBytes + length);
            FinishSendLocked(null);
            return;
        }
        // The receiver needs the message and the written payload, in either order; which goes first is the provider's (see FrameMessageFirst).
        bool messageFirst = _endpoint.FrameMessageFirst;
        if (messageFirst)
        {
            PostFrameMessageLocked(slot, HeaderedBytes);
        }
        if (placed)
        {
            PostPayloadWriteLocked(placedAddress, _peerWindow.Key);
            _sendPhase = SendPhase.Writing;
        }
        else if (ring)
        {
            _remoteRingHead = head;
            PostPayloadWriteLocked(_remote.RingAddress + (ulong)(start % _remote.RingBytes), _remote.RingKey);
            _sendPhase = SendPhase.Writing;
        }
        else
        {
            _sendPhase = SendPhase.ClearToSend;
        }
        if (!messageFirst)
        {
            PostFrameMessageLocked(slot, HeaderedBytes);
        }
    }

    /// <summary>The peer registered memory for the rendezvous frame <paramref name="sequence"/>: write its payload there.</summary>
    private void OnClearToSendLocked(uint sequence, ulong address, ulong key)
    {
        if (!_sendActive || _sendPhase != SendPhase.ClearToSend || sequence != _sendSequence)
        {
            if (_abort is null)
            {
                FailProtocolLocked(string.Create(CultureInfo.InvariantCulture, $"a clear-to-send for frame {sequence} that no send waits for"));
            }
            return;
        }
        PostPayloadWriteLocked(address, key);
        _sendPhase = SendPhase.Writing;
    }

    private void OnPayloadWrittenLocked()
    {
        if (_sendActive && _sendPhase == SendPhase.Writing)
        {
            FinishSendLocked(null);
        }
    }

    /// <summary>
    /// Posts the active send's payload as one RMA write carrying its write token. Providers that
    /// take unregistered local buffers read the caller's memory, pinned for the write; others get
    /// a registration that already covers it (a frame forwarded from a receive ring, or a block
    /// from the placement window it landed in), else a copy in the link's registered staging
    /// area, else (rendezvous frames, too large to stage) a registration for this write alone.
    /// </summary>
    private unsafe void PostPayloadWriteLocked(ulong remoteAddress, ulong remoteKey)
    {
        ReadOnlyMemory<byte> payload = _sendPayload;
        int length = payload.Length;
        _sendPin = payload.Pin();
        _sendPinned = true;
        byte* source = (byte*)_sendPin.Pointer;
        FabricMemoryRegionHandle? region = _endpoint.Registrations.Find(source, length);
        if (region is not null)
        {
            try
            {
                region.DangerousAddRef(ref _sendRegionReferenced);
            }
            catch (ObjectDisposedException)
            {
                region = null; // a window closing on another link as we looked (a failed call): copy or register instead
            }
        }
        if (region is null && _endpoint.RegisteredSourcesOnly)
        {
            if (length <= _remote.RingBytes / 2)
            {
                RegisteredBuffer staging = _payloadStaging ??= Allocate((int)(_remote.RingBytes / 2), FabricStatus.AccessLocal);
                payload.Span.CopyTo(new Span<byte>(staging.Pointer, length));
                source = staging.Pointer;
                region = staging.Region;
            }
            else
            {
                region = _fabric.Register(source, (nuint)length, FabricStatus.AccessLocal, out _);
                _sendRegionOwned = true;
            }
        }
        _sendRegion = region;
        _writeInFlight = true;
        PostPayloadLocked((nint)source, length, region, remoteAddress, remoteKey);
    }

    /// <summary>Unpins and unregisters what the payload write read from, once it no longer reads.</summary>
    private void ReleaseSendSourceLocked()
    {
        if (_writeInFlight && !_released)
        {
            return;
        }
        if (_sendRegionReferenced)
        {
            _sendRegionReferenced = false;
            _sendRegion!.DangerousRelease();
        }
        else if (_sendRegionOwned)
        {
            _sendRegionOwned = false;
            _sendRegion!.Dispose();
        }
        _sendRegion = null;
        if (_sendPinned)
        {
            _sendPinned = false;
            _sendPin.Dispose();
        }
    }

    private void FinishSendLocked(Exception? error)
    {
        Volatile.Write(ref _sendActive, false);
        _sendPayload = default;
        _sendFailure = error;
        if (!_sendAwaited)
        {
            return; // the caller is still inside SendAsync and reports the outcome itself
        }
        _sendAwaited = false;
        _sendCompletion.Finish(ref _sendCancellation, true, error);
    }

    /// <summary>Writes the prefix of an outgoing message, returning every credit this end owes the peer on it.</summary>
    private void WritePrefixLocked(Span<byte> message, MessageKind kind, uint sequence, bool startsOverRing = false)
    {
        new MessagePrefix(kind, sequence, _freedMessages, (ulong)_ringFreed, startsOverRing).Write(message);
        _reportedMessages = _freedMessages;
        _reportedRing = _ringFreed;
        _writtenFrameCredit = false;
    }

    /// <summary>
    /// The final message: the abort reason, ordered after every frame this end sent, so the peer
    /// delivers those first. It uses the message slot every sender keeps back for it.
    /// </summary>
    private void SendFinalLocked(AbortReason reason)
    {
        if (!_ready || _tearingDown || _nextSend - _peerFreedMessages >= (ulong)_remote.MessageSlots || _freeFrameStaging.Count == 0)
        {
            return; // not connected yet, or no slot: the control connection carries the reason alone
        }
        byte[] body = AbortFrame.Encode(reason);
        int slot = _freeFrameStaging.Pop();
        _finalSlot = slot;
        Span<byte> message = _frameStaging.Span(slot * SlotBytes, SlotBytes);
        WritePrefixLocked(message, MessageKind.Final, _nextSend++);
        body.CopyTo(message[FrameOffset..]);
        PostFrameMessageLocked(slot, FrameOffset + body.Length);
    }

    private static ulong FrameTag(uint link) => ((ulong)link << 4) | 1;

    private static ulong ControlTag(uint link) => ((ulong)link << 4) | 2;
}
