using System.Globalization;
using Collectives.Wire;

namespace Collectives.Transport.SharedMemory;

/// <summary>
/// One end of a shared-memory link: a ring per direction in the pair's segment, the abort area,
/// and the peer's doorbell. An operation that can finish at once (room in the ring, a frame
/// there) finishes synchronously, without a lock on the send side, an allocation or a system
/// call. Otherwise it polls for the transport's spin time, then parks: it sets its ring's
/// waiting flag, so the peer rings this endpoint's doorbell when it makes progress, and the
/// progress thread finishes the operation. No caller thread ever blocks beyond the spin, so two
/// flows of one rank (a tree's up and down waves) never starve each other.
/// </summary>
internal sealed unsafe partial class SharedMemoryLink : IPeerLink, IInboundFrameOwner
{
    private readonly SharedSegment _segment;
    private readonly int _end;
    private readonly Doorbell _peerDoorbell;
    private readonly RingProducer _out;
    private readonly RingConsumer _in;
    private readonly AbortArea _abortArea;
    private readonly LocalPair? _localPair;
    private readonly long _spinTicks;
    private readonly Action<SharedMemoryLink> _onDisposed;

    // Guards the parked operations, the abort reason and the mapping's lifetime.
    private readonly object _gate = new();
    private AbortReason? _abortReason;
    private bool _abortRaisedByPeer;
    private bool _abortedHere;
    private int _closed;
    private int _unmapped;

    /// <param name="end">0 for the lower endpoint (which sends on direction 0), 1 for the higher.</param>
    public SharedMemoryLink(SharedSegment segment, int end, long capacity, Doorbell peerDoorbell, int localEndpoint,
        int peerEndpoint, LocalPair? localPair, TimeSpan spin, Action<SharedMemoryLink> onDisposed)
    {
        _segment = segment;
        _end = end;
        _peerDoorbell = peerDoorbell;
        _out = new RingProducer(segment.Base, direction: end, capacity);
        _in = new RingConsumer(segment.Base, direction: 1 - end, capacity);
        _abortArea = new AbortArea(segment.Base);
        _localPair = localPair;
        _spinTicks = SpinPhase.TicksOf(spin);
        _onDisposed = onDisposed;
        LocalEndpoint = localEndpoint;
        PeerEndpoint = peerEndpoint;
    }

    public int LocalEndpoint { get; }

    public int PeerEndpoint { get; }

    /// <summary>Where the pair's segment was created (unlinked once both ends mapped it).</summary>
    public string SegmentPath => _segment.Path;

    public bool TryPeekHeader(out FrameHeader header)
    {
        header = default;
        return Volatile.Read(ref _closed) == 0 && _in.TryPeekHeader(out header);
    }

    public void Abort(AbortReason reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        Raise(reason, _end);
    }

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return ValueTask.CompletedTask;
        }
        Raise(new AbortReason(AbortCode.Closed, -1, string.Create(CultureInfo.InvariantCulture,
            $"endpoint {LocalEndpoint} closed its shared-memory link to endpoint {PeerEndpoint}")), _end);
        _onDisposed(this);
        if (_in.Close(dispose: true))
        {
            Unmap();
        }
        return ValueTask.CompletedTask;
    }

    void IInboundFrameOwner.Release(short token)
    {
        if (Volatile.Read(ref _unmapped) != 0)
        {
            return;
        }
        bool unmap = _in.Release(token, out bool wakeProducer);
        if (wakeProducer)
        {
            _peerDoorbell.Ring();
        }
        if (unmap)
        {
            Unmap();
        }
    }

    /// <summary>
    /// The progress thread's turn: finishes parked operations the peer made possible, and every
    /// <see cref="SharedMemoryTuning.LivenessPeriod"/> checks that the peer lives. Returns whether
    /// an operation is still parked.
    /// </summary>
    internal bool Progress(bool checkLiveness)
    {
        if (!Volatile.Read(ref _sendPending) && !Volatile.Read(ref _receivePending))
        {
            return false;
        }
        if (checkLiveness)
        {
            CheckPeerAlive();
        }
        ProgressSend();
        ProgressReceive();
        return Volatile.Read(ref _sendPending) || Volatile.Read(ref _receivePending);
    }

    /// <summary>The peer's process, from the segment (the creator's or the mapper's fields).</summary>
    internal ProcessIdentity ReadPeerIdentity() => _end == 0
        ? ProcessIdentity.Read(_segment.Base, SegmentLayout.MapperPidOffset, SegmentLayout.MapperStartTimeOffset, SegmentLayout.MapperPidNamespaceOffset)
        : ProcessIdentity.Read(_segment.Base, SegmentLayout.OwnerPidOffset, SegmentLayout.OwnerStartTimeOffset, SegmentLayout.OwnerPidNamespaceOffset);

    /// <summary>Test hook: makes the segment name another process as the peer (a dead one, say).</summary>
    internal void OverridePeerIdentityForTest(ProcessIdentity peer)
    {
        if (_end == 0)
        {
            peer.Write(_segment.Base, SegmentLayout.MapperPidOffset, SegmentLayout.MapperStartTimeOffset, SegmentLayout.MapperPidNamespaceOffset);
        }
        else
        {
            peer.Write(_segment.Base, SegmentLayout.OwnerPidOffset, SegmentLayout.OwnerStartTimeOffset, SegmentLayout.OwnerPidNamespaceOffset);
        }
    }

    private void CheckPeerAlive()
    {
        ProcessIdentity peer;
        lock (_gate)
        {
            if (_unmapped != 0 || IsAbortedLocked())
            {
                return;
            }
            peer = ReadPeerIdentity();
        }
        if (!peer.IsAlive())
        {
            Raise(new AbortReason(AbortCode.Closed, -1, string.Create(CultureInfo.InvariantCulture,
                $"endpoint {PeerEndpoint} (pid {peer.Pid}) died; its shared-memory link to endpoint {LocalEndpoint} is gone")),
                raisingEnd: 1 - _end);
        }
    }

    private void AbortForCancellation() => Raise(new AbortReason(AbortCode.Cancelled, -1, string.Create(CultureInfo.InvariantCulture,
        $"an operation on the shared-memory link between endpoints {LocalEndpoint} and {PeerEndpoint} was cancelled")), _end);

    private void FailProtocol(string problem) => Raise(new AbortReason(AbortCode.Protocol, -1, string.Create(CultureInfo.InvariantCulture,
        $"endpoint {LocalEndpoint} found {problem} in its shared-memory ring from endpoint {PeerEndpoint}")), _end);

    /// <summary>
    /// Aborts the link with <paramref name="reason"/> unless it already was (the first reason
    /// wins, at both ends) and wakes the peer so it fails too. Raised by this end (a local abort,
    /// a close, a cancellation, a bad frame) it fails every parked operation at once; raised on
    /// the peer's behalf (it died) a parked receive still gets the frames the peer published.
    /// </summary>
    private void Raise(AbortReason reason, int raisingEnd)
    {
        bool ringPeer = false;
        lock (_gate)
        {
            if (_abortReason is null && _unmapped == 0)
            {
                if (_abortArea.TryRaise(reason, raisingEnd, _localPair))
                {
                    _abortReason = reason;
                    _abortRaisedByPeer = raisingEnd != _end;
                    ringPeer = true;
                }
                else
                {
                    LoadAbortLocked();
                }
            }
            if (raisingEnd == _end)
            {
                _abortedHere = true;
                if (_unmapped == 0)
                {
                    _in.Close(dispose: false);
                }
                FailParkedLocked();
            }
            else
            {
                if (_sendPending)
                {
                    FinishSendLocked(AbortedExceptionLocked());
                }
                if (_receivePending)
                {
                    Exception? error = DrainLocked(out InboundFrame frame);
                    FinishReceiveLocked(frame, error);
                }
            }
        }
        if (ringPeer)
        {
            _peerDoorbell.Ring();
        }
    }

    private bool IsAbortedLocked() => _abortReason is not null || (_unmapped == 0 && _abortArea.IsRaised);

    private void LoadAbortLocked()
    {
        (AbortReason reason, int raisingEnd) = _abortArea.Read(_localPair, 1 - _end);
        _abortReason = reason;
        _abortRaisedByPeer = raisingEnd != _end;
    }

    /// <summary>
    /// A receive on an aborted link. Frames the peer published before it aborted are still
    /// delivered, in order, as a socket delivers its data before the close: a peer that finished
    /// its last send and closed at once must not fail a receiver still on its way to that frame.
    /// Once none is left (or this end aborted itself) the receive fails with the reason, and the
    /// inbound ring's pages go back to the system. Returns the error, or null with a frame.
    /// </summary>
    private Exception? DrainLocked(out InboundFrame frame)
    {
        frame = default;
        if (_abortReason is null)
        {
            LoadAbortLocked();
        }
        if (!_abortedHere && _unmapped == 0 &&
            _in.TryReceive(this, out frame, out _, out _) == ReceiveStatus.Frame)
        {
            return null;
        }
        if (_unmapped == 0)
        {
            _in.Close(dispose: false);
        }
        return AbortedExceptionLocked();
    }

    private LinkAbortedException AbortedException()
    {
        lock (_gate)
        {
            return AbortedExceptionLocked();
        }
    }

    private LinkAbortedException AbortedExceptionLocked()
    {
        if (_abortReason is null)
        {
            LoadAbortLocked();
        }
        return new LinkAbortedException(_abortReason!, _abortRaisedByPeer);
    }

    private void FailParkedLocked()
    {
        if (_sendPending || _receivePending)
        {
            LinkAbortedException error = AbortedExceptionLocked();
            if (_sendPending)
            {
                FinishSendLocked(error);
            }
            if (_receivePending)
            {
                FinishReceiveLocked(default, error);
            }
        }
    }

    private void Unmap()
    {
        lock (_gate)
        {
            if (_unmapped == 0)
            {
                Volatile.Write(ref _unmapped, 1);
                _segment.Dispose();
            }
        }
    }
}
