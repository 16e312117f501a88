using System.Diagnostics;
using System.Globalization;
using Collectives.Transport.Rdma.Native;
using Collectives.Transport.Tcp;
using Collectives.Wire;

namespace Collectives.Transport.Rdma;

/// <summary>
/// One end of an RDMA link. Every frame is one tagged message into a receive the other end
/// posted in advance: small frames carry their payload inside it; larger ones carry only the
/// header while the payload goes by one-sided RMA write straight from the sender's memory into a
/// ring the receiver exposed, the write's completion data naming the frame; frames too large for
/// the ring wait for the receiver to register memory for them and say where (rendezvous); and
/// frames inside a window the receiver offered over its caller's memory are written straight
/// there (placed). Payloads are lent to the receiver in place, as shared memory does.
/// <para>
/// Flow control: a sender may have as many unreleased messages as the receiver posted slots
/// (one kept back for the final message) and as many unreleased ring bytes as the ring holds.
/// The receiver returns both as cumulative counters on every message it sends, and in a credit
/// message of its own when none is going its way, so its receives are always posted.
/// </para>
/// <para>
/// Beside the fabric runs the control connection (an authenticated TCP link): the hello that
/// says where to write, and the news that the peer process died (its sockets close) or aborted.
/// An abort is sent first as a final fabric message, ordered after the frames before it, so a
/// peer that finished its sends and closed loses none of them. Split by concern: this file holds
/// the state, setup, completion routing, abort and teardown; <c>.Send.cs</c>, <c>.Receive.cs</c>,
/// <c>.Placement.cs</c>, <c>.Posts.cs</c> and <c>.Control.cs</c> the rest.
/// </para>
/// </summary>
internal sealed partial class RdmaPeerLink : IPeerLink, IInboundFrameOwner
{
    private const int SlotBytes = RdmaTuning.MessageSlotBytes;
    private const int FrameOffset = RdmaTuning.MessagePrefixBytes;
    private const int HeaderedBytes = RdmaTuning.MessagePrefixBytes + FrameHeader.Size;

    private static readonly long RecentArrivalTicks = (long)(RdmaTuning.RecentArrivalWindow.TotalSeconds * Stopwatch.Frequency);
    private static readonly long FinalMessageTicks = (long)(RdmaTuning.FinalMessageWait.TotalSeconds * Stopwatch.Frequency);
    private static readonly long DrainGraceTicks = (long)(RdmaTuning.PeerDrainGrace.TotalSeconds * Stopwatch.Frequency);

    private readonly RdmaEndpoint _endpoint;
    private readonly FabricEndpoint _fabric;
    private readonly LinkKey _key;
    private readonly IPeerLink _control;
    private readonly ulong _peer;
    private readonly ulong _receivePeer;
    private readonly long _spinTicks;
    private readonly object _gate = new();
    private readonly RegisteredBuffer _frameSlots;
    private readonly RegisteredBuffer _controlSlots;
    private readonly RegisteredBuffer _ring;
    private readonly RegisteredBuffer _frameStaging;
    private readonly RegisteredBuffer _controlStaging;
    private readonly List<RegisteredBuffer> _buffers = [];
    private readonly bool[] _framePosted = new bool[RdmaTuning.MessageSlots];
    private readonly bool[] _controlPosted = new bool[RdmaTuning.ControlSlots];

    /// <summary>Operations posted and not yet completed; teardown frees memory only once none is left.</summary>
    private int _outstanding;

    private LinkHello _remote;
    private bool _ready;
    private AbortState? _abort;
    private long _drainDeadline;
    private bool _tearingDown;
    private bool _released;
    private readonly TaskCompletionSource _warm = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private RdmaPeerLink(RdmaEndpoint endpoint, LinkKey key, IPeerLink control, ulong peer)
    {
        _endpoint = endpoint;
        _fabric = endpoint.Fabric;
        _key = key;
        _control = control;
        _peer = peer;
        _receivePeer = (endpoint.Device.Features & FabricFeatures.DirectedReceive) != 0 ? peer : FabricStatus.AnyPeer;
        _spinTicks = (long)(endpoint.Options.ReceiveSpin.TotalSeconds * Stopwatch.Frequency);
        Id = endpoint.NextLinkId();
        try
        {
            _frameSlots = Allocate(RdmaTuning.MessageSlots * SlotBytes, FabricStatus.AccessLocal);
            _controlSlots = Allocate(RdmaTuning.ControlSlots * RdmaTuning.ControlSlotBytes, FabricStatus.AccessLocal);
            _ring = Allocate((int)endpoint.Options.RingBytes, FabricStatus.AccessLocal | FabricStatus.AccessRemoteWrite);
            _frameStaging = Allocate(RdmaTuning.MessageSlots * SlotBytes, FabricStatus.AccessLocal);
            _controlStaging = Allocate(RdmaTuning.ControlStagingSlots * RdmaTuning.ControlSlotBytes, FabricStatus.AccessLocal);
        }
        catch (FabricException e)
        {
            FreeBuffers();
            throw new IOException(Describe($"could not register its buffers ({e.Operation})", e.FabricText), e);
        }
        Array.Fill(_arrivedSlot, -1);
        for (int i = RdmaTuning.MessageSlots - 1; i >= 0; i--)
        {
            _freeFrameStaging.Push(i);
        }
        for (int i = RdmaTuning.ControlStagingSlots - 1; i >= 0; i--)
        {
            _freeControlStaging.Push(i);
        }
        for (int i = RdmaTuning.MaxLentFrames - 1; i >= 0; i--)
        {
            _freeLends.Push(i);
        }
    }

    /// <summary>This end's id: the peer tags its messages with it, and write tokens name it.</summary>
    public uint Id { get; }

    public int LocalEndpoint => _key.LocalEndpoint;

    public int PeerEndpoint => _key.PeerEndpoint;

    /// <summary>Whether this link waits for something only polling brings (the progress thread then keeps polling).</summary>
    public bool NeedsProgress =>
        Volatile.Read(ref _sendActive) || Volatile.Read(ref _receivePending) || Volatile.Read(ref _creditInFlight) || HasPendingPosts ||
        !_warm.Task.IsCompleted || (Volatile.Read(ref _tearingDown) && !Volatile.Read(ref _released));

    public void Abort(AbortReason reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        bool first;
        lock (_gate)
        {
            first = AbortLocked(reason);
        }
        if (first)
        {
            AwaitFinalMessage();
            _control.Abort(reason);
        }
    }

    /// <summary>
    /// Polls until the final message has left (bounded): an abort then reaches the peer before
    /// this end's caller can tell anyone, so a peer's next send meets it instead of a dead link.
    /// </summary>
    private void AwaitFinalMessage()
    {
        long deadline = Stopwatch.GetTimestamp() + FinalMessageTicks;
        while (Volatile.Read(ref _finalSlot) >= 0 && Stopwatch.GetTimestamp() < deadline)
        {
            if (_endpoint.ProgressOnce(waitForPoller: true) == 0)
            {
                Thread.Yield();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Abort(new AbortReason(AbortCode.Closed, -1, string.Create(CultureInfo.InvariantCulture,
            $"endpoint {_key.LocalEndpoint} closed its rdma link to endpoint {_key.PeerEndpoint} (communicator {_key.CommunicatorId:x16})")));
        lock (_gate)
        {
            BeginTeardownLocked();
        }
        _endpoint.Wake();
        await _control.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Routes one completion of an operation this link posted (called by whoever polled).</summary>
    internal void OnCompletion(OperationKind kind, int index, in FabricCompletion completion, string? failureText)
    {
        lock (_gate)
        {
            _outstanding--;
            if (_released)
            {
                return;
            }
            try
            {
                SettleLocked(kind, index);
                if (completion.Status != 0)
                {
                    OnFailedLocked(kind, completion.Status, failureText);
                }
                else if (kind == OperationKind.FrameReceive)
                {
                    OnFrameMessageLocked(index, (int)completion.Length);
                }
                else if (kind == OperationKind.ControlReceive)
                {
                    OnControlMessageLocked(index, (int)completion.Length);
                }
                else if (kind == OperationKind.PayloadWrite)
                {
                    OnPayloadWrittenLocked();
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

    /// <summary>A peer's payload write landed in this end's ring or rendezvous buffer.</summary>
    internal void OnPayloadLanded(uint sequence, int status, string? failureText)
    {
        lock (_gate)
        {
            if (_released)
            {
                return;
            }
            try
            {
                if (status != 0)
                {
                    FailFromFabricLocked("receive a payload write", failureText ?? $"status {status}", peerLost: true);
                    return;
                }
                _landed[sequence % RdmaTuning.MessageSlots] = true;
                _lastArrival = Stopwatch.GetTimestamp();
                _arrivals++;
                AdvanceLocked();
            }
            catch (FabricException e)
            {
                FailFromFabricLocked(e);
            }
        }
    }

    /// <summary>The progress thread's periodic look: a peer that left and whose frames stopped coming fails the parked receive.</summary>
    internal void CheckDeadlines(long now)
    {
        if (!Volatile.Read(ref _receivePending) || Volatile.Read(ref _abort) is not { ByPeer: true })
        {
            return;
        }
        lock (_gate)
        {
            if (_receivePending && now >= _drainDeadline)
            {
                AdvanceLocked();
            }
        }
    }

    /// <summary>A shim call outside any one operation failed (the completion queue): the link is lost.</summary>
    internal void FailFromFabric(string operation, string fabricText)
    {
        lock (_gate)
        {
            FailFromFabricLocked(operation, fabricText);
        }
    }

    /// <summary>Frees every buffer now, whatever is still posted: for a transport whose endpoint closes next (which drops the posts).</summary>
    internal void ReleaseResources()
    {
        lock (_gate)
        {
            _tearingDown = true;
            ReleaseLocked();
        }
    }

    /// <summary>
    /// Test hook: this end disappears as a killed process does. No final message, its control
    /// connections dropped without a word; its peer learns only from the closed connection.
    /// </summary>
    internal void VanishForTest()
    {
        lock (_gate)
        {
            _abort ??= new AbortState(new AbortReason(AbortCode.Closed, -1, "this end vanished (test)"), ByPeer: false);
            BeginTeardownLocked();
        }
        ((TcpPeerLink)_control).DropConnections();
    }

    /// <summary>
    /// "endpoint 0 could not post a write on its rdma link to endpoint 1 (rdma over tcp;ofi_rxm): [tcp;ofi_rxm] ...".
    /// Endpoints, as every link names its ends (the communicator adds the ranks): a peer's death
    /// can surface here first, and its PeerLostException must name the peer as the shm and tcp
    /// links' do (the crash drill failed on the rdma transport when it read "rank 1").
    /// </summary>
    private string Describe(string what, string fabricText) => string.Create(CultureInfo.InvariantCulture,
        $"endpoint {_key.LocalEndpoint} {what} on its rdma link to endpoint {_key.PeerEndpoint} ({_endpoint.Description}): {fabricText}");

    private RegisteredBuffer Allocate(int length, uint access)
    {
        RegisteredBuffer buffer = RegisteredBuffer.Allocate(_fabric, length, access);
        _buffers.Add(buffer);
        _endpoint.Registrations.Add(buffer);
        return buffer;
    }

    private void FreeBuffer(RegisteredBuffer buffer)
    {
        _endpoint.Registrations.Remove(buffer);
        _buffers.Remove(buffer);
        buffer.Dispose();
    }

    private void FreeBuffers()
    {
        foreach (RegisteredBuffer buffer in _buffers.ToArray())
        {
            FreeBuffer(buffer);
        }
    }

    /// <summary>Aborts this end unless it already is; returns whether this call did it (then the caller tells the control link).</summary>
    private bool AbortLocked(AbortReason reason)
    {
        if (_abort is not null)
        {
            return false;
        }
        _abort = new AbortState(reason, ByPeer: false);
        _warm.TrySetException(AbortedLocked());
        try
        {
            SendFinalLocked(reason);
        }
        catch (FabricException)
        {
            // Best effort: the control connection carries the reason too.
        }
        FailPendingLocked();
        return true;
    }

    /// <summary>The peer aborted (its final message, or its control connection's news): this end follows with its reason.</summary>
    private void PeerAbortedLocked(AbortReason reason)
    {
        if (_abort is not null)
        {
            return;
        }
        _abort = new AbortState(reason, ByPeer: true);
        _warm.TrySetException(AbortedLocked());
        _drainDeadline = Stopwatch.GetTimestamp() + DrainGraceTicks;
        if (_sendActive)
        {
            FinishSendLocked(AbortedLocked());
        }
        AdvanceLocked();
    }

    /// <summary>A fabric operation failed: the link is lost, with the provider's words.</summary>
    private void FailFromFabricLocked(FabricException e) => FailFromFabricLocked(e.Operation, e.FabricText);

    /// <param name="peerLost">
    /// True when an operation with the peer failed on the wire (a send, a write, a receive, a post
    /// the peer never made room for): the link to the peer is lost, which the communicator reports as
    /// a lost peer, as a closed socket is on tcp. False for failures of this end alone.
    /// </param>
    private void FailFromFabricLocked(string operation, string fabricText, bool peerLost = false)
    {
        if (_tearingDown || _abort is not null)
        {
            return; // cancelled posts and the like, after the link was given up
        }
        var reason = new AbortReason(peerLost ? AbortCode.Closed : AbortCode.Failed, -1, Describe($"could not {operation}", fabricText));
        if (AbortLocked(reason))
        {
            QueueControlAbort(reason);
        }
    }

    private void FailProtocolLocked(string problem)
    {
        var reason = new AbortReason(AbortCode.Protocol, -1, string.Create(CultureInfo.InvariantCulture,
            $"endpoint {_key.PeerEndpoint} sent endpoint {_key.LocalEndpoint} {problem} on their rdma link ({_endpoint.Description}); the link was torn down"));
        if (AbortLocked(reason))
        {
            QueueControlAbort(reason);
        }
    }

    /// <summary>Tells the control link from outside this lock: its abort may run continuations of ours inline.</summary>
    private void QueueControlAbort(AbortReason reason) =>
        ThreadPool.UnsafeQueueUserWorkItem(static state => state.Control.Abort(state.Reason), (Control: _control, Reason: reason), preferLocal: false);

    /// <summary>
    /// What every operation that ends (finished, failed, cancelled, or dropped before it was ever
    /// posted) gives back, whatever its outcome: its receive slot, its staging slot, the source its
    /// write read from.
    /// </summary>
    private void SettleLocked(OperationKind kind, int index)
    {
        switch (kind)
        {
            case OperationKind.FrameReceive:
                _framePosted[index] = false;
                break;
            case OperationKind.ControlReceive:
                _controlPosted[index] = false;
                break;
            case OperationKind.FrameSend:
                OnFrameSentLocked(index);
                break;
            case OperationKind.ControlSend:
                OnControlSentLocked(index);
                break;
            default:
                _writeInFlight = false;
                ReleaseSendSourceLocked();
                break;
        }
    }

    private void OnFailedLocked(OperationKind kind, int status, string? failureText)
    {
        if (status == FabricStatus.Canceled && (_tearingDown || _abort is not null))
        {
            return;
        }
        string text = failureText ?? string.Create(CultureInfo.InvariantCulture, $"status {status}");
        FailFromFabricLocked(kind switch
        {
            OperationKind.FrameReceive => "receive a frame message",
            OperationKind.ControlReceive => "receive a control message",
            OperationKind.FrameSend => "send a frame message",
            OperationKind.ControlSend => "send a control message",
            _ => "write a frame's payload",
        }, text, peerLost: true);
    }

    private void OnFrameSentLocked(int slot)
    {
        _freeFrameStaging.Push(slot);
        if (slot == _finalSlot)
        {
            Volatile.Write(ref _finalSlot, -1);
        }
    }

    /// <summary>Everything a completion or a release may have made possible: the waiting send, the parked receive, credits owed.</summary>
    private void AdvanceLocked()
    {
        if (_released)
        {
            return;
        }
        if (_pendingPosts.Count > 0)
        {
            FlushPendingPostsLocked();
        }
        if (_sendActive)
        {
            AdvanceSendLocked();
        }
        if (_clearToSendOwed)
        {
            SendClearToSendLocked();
        }
        if (_windowOwed)
        {
            SendWindowLocked();
        }
        if (_receivePending && TryTakeLocked(out InboundFrame frame, out Exception? error))
        {
            FinishReceiveLocked(frame, error);
        }
        SendCreditLocked(force: false);
    }

    private void FailPendingLocked()
    {
        LinkAbortedException error = AbortedLocked();
        if (_sendActive)
        {
            FinishSendLocked(error);
        }
        if (_receivePending && !_abort!.ByPeer)
        {
            FinishReceiveLocked(default, error);
        }
    }

    private LinkAbortedException AbortedLocked() => new(_abort!.Reason, _abort.ByPeer);

    private LinkAbortedException Aborted()
    {
        lock (_gate)
        {
            return AbortedLocked();
        }
    }

    /// <summary>Stops receiving: cancels the posted receives and withdraws the ring from the peer; memory goes once nothing uses it.</summary>
    private void BeginTeardownLocked()
    {
        if (_tearingDown)
        {
            return;
        }
        _tearingDown = true;
        DropPendingPostsLocked();
        for (int slot = 0; slot < _framePosted.Length; slot++)
        {
            if (_framePosted[slot])
            {
                _fabric.Cancel(OperationContext.Encode(Id, OperationKind.FrameReceive, slot));
            }
        }
        for (int slot = 0; slot < _controlPosted.Length; slot++)
        {
            if (_controlPosted[slot])
            {
                _fabric.Cancel(OperationContext.Encode(Id, OperationKind.ControlReceive, slot));
            }
        }
        FinishTeardownIfDoneLocked();
    }

    private void FinishTeardownIfDoneLocked()
    {
        if (_tearingDown && !_released && _outstanding <= 0 && _lentCount == 0)
        {
            ReleaseLocked();
        }
    }

    private void ReleaseLocked()
    {
        if (_released)
        {
            return;
        }
        _released = true;
        ReleaseSendSourceLocked();
        _spareRendezvous = null;
        _rendezvousTarget = null;
        FreeBuffers();
        _endpoint.Remove(this);
    }

    private sealed record AbortState(AbortReason Reason, bool ByPeer);
}
