using System.Diagnostics;
using System.Globalization;
using Collectives.Transport.Rdma.Native;

namespace Collectives.Transport.Rdma;

internal sealed partial class RdmaPeerLink
{
    private static readonly long PostTimeoutTicks = (long)(RdmaTuning.PostTimeout.TotalSeconds * Stopwatch.Frequency);

    /// <summary>Operations the provider had no room for yet, in posting order; retried before anything new goes.</summary>
    private readonly Queue<PendingPost> _pendingPosts = new();
    private int _pendingPostCount;
    private long _pendingSince;
    private string _busyText = "";

    /// <summary>Whether posts wait for room (the progress thread then keeps retrying them).</summary>
    public bool HasPendingPosts => Volatile.Read(ref _pendingPostCount) > 0;

    /// <summary>The progress thread's retry of posts that found no room.</summary>
    internal void RetryPendingPosts()
    {
        if (!HasPendingPosts)
        {
            return;
        }
        lock (_gate)
        {
            try
            {
                AdvanceLocked();
            }
            catch (FabricException e)
            {
                FailFromFabricLocked(e);
            }
        }
    }

    private unsafe void PostFrameReceiveLocked(int slot)
    {
        _framePosted[slot] = true;
        PostLocked(new PendingPost(OperationKind.FrameReceive, slot, (nint)(_frameSlots.Pointer + (slot * SlotBytes)), SlotBytes,
            _frameSlots.Region, 0, 0, 0));
    }

    private unsafe void PostControlReceiveLocked(int slot)
    {
        _controlPosted[slot] = true;
        PostLocked(new PendingPost(OperationKind.ControlReceive, slot, (nint)(_controlSlots.Pointer + (slot * RdmaTuning.ControlSlotBytes)),
            RdmaTuning.ControlSlotBytes, _controlSlots.Region, 0, 0, 0));
    }

    private unsafe void PostFrameMessageLocked(int slot, int length) =>
        PostLocked(new PendingPost(OperationKind.FrameSend, slot, (nint)(_frameStaging.Pointer + (slot * SlotBytes)), length, _frameStaging.Region, 0, 0, 0));

    private unsafe void PostControlMessageLocked(int slot, int length) =>
        PostLocked(new PendingPost(OperationKind.ControlSend, slot, (nint)(_controlStaging.Pointer + (slot * RdmaTuning.ControlSlotBytes)), length,
            _controlStaging.Region, 0, 0, 0));

    private void PostPayloadLocked(nint source, int length, FabricMemoryRegionHandle? region, ulong remoteAddress, ulong remoteKey) =>
        PostLocked(new PendingPost(OperationKind.PayloadWrite, (int)(_sendSequence & 0xFFFFFF), source, length, region, remoteAddress, remoteKey,
            WriteToken.Encode(_remote.LinkId, _sendSequence)));

    /// <summary>
    /// Posts now, or queues behind posts that wait: the shim gives up on a full provider queue
    /// within <see cref="RdmaTuning.PostAttempt"/>, so no lock is held while a peer does not drain
    /// (a dead peer on tcp;ofi_rxm answers -FI_EAGAIN forever); the progress thread retries.
    /// </summary>
    private void PostLocked(in PendingPost post)
    {
        _outstanding++;
        if (_pendingPosts.Count == 0 && TryPostLocked(post))
        {
            return;
        }
        if (_pendingPosts.Count == 0)
        {
            _pendingSince = Stopwatch.GetTimestamp();
        }
        _pendingPosts.Enqueue(post);
        Volatile.Write(ref _pendingPostCount, _pendingPosts.Count);
        _endpoint.Wake();
    }

    /// <summary>Hands one post to the shim; false when the provider had no room within the attempt.</summary>
    private unsafe bool TryPostLocked(in PendingPost post)
    {
        ulong context = OperationContext.Encode(Id, post.Kind, post.Slot);
        try
        {
            switch (post.Kind)
            {
                case OperationKind.FrameReceive:
                    _fabric.Receive(_receivePeer, (void*)post.Buffer, (nuint)post.Length, post.Region, FrameTag(Id), 0, context);
                    break;
                case OperationKind.ControlReceive:
                    _fabric.Receive(_receivePeer, (void*)post.Buffer, (nuint)post.Length, post.Region, ControlTag(Id), 0, context);
                    break;
                case OperationKind.FrameSend:
                    _fabric.Send(_peer, (void*)post.Buffer, (nuint)post.Length, post.Region, FrameTag(_remote.LinkId), context);
                    break;
                case OperationKind.ControlSend:
                    _fabric.Send(_peer, (void*)post.Buffer, (nuint)post.Length, post.Region, ControlTag(_remote.LinkId), context);
                    break;
                default:
                    _fabric.Write(_peer, (void*)post.Buffer, (nuint)post.Length, post.Region, post.RemoteAddress, post.RemoteKey, post.Data, context);
                    break;
            }
            return true;
        }
        catch (FabricException e) when (e.Status == FabricStatus.TimedOut)
        {
            _busyText = e.FabricText;
            return false;
        }
    }

    /// <summary>Retries waiting posts in order; a head that waited past <see cref="RdmaTuning.PostTimeout"/> fails the link with the provider's words.</summary>
    private void FlushPendingPostsLocked()
    {
        while (_pendingPosts.TryPeek(out PendingPost post))
        {
            if (!TryPostLocked(post))
            {
                if (Stopwatch.GetTimestamp() - _pendingSince > PostTimeoutTicks)
                {
                    FailFromFabricLocked(string.Create(CultureInfo.InvariantCulture,
                        $"post for {RdmaTuning.PostTimeout.TotalSeconds:0} s (the peer does not drain; is it alive?)"), _busyText, peerLost: true);
                    DropPendingPostsLocked();
                }
                return;
            }
            _pendingPosts.Dequeue();
            _pendingSince = Stopwatch.GetTimestamp();
        }
        Volatile.Write(ref _pendingPostCount, 0);
    }

    /// <summary>Nothing more goes out: posts that never went give back their staging and stop counting as outstanding.</summary>
    private void DropPendingPostsLocked()
    {
        while (_pendingPosts.TryDequeue(out PendingPost post))
        {
            _outstanding--;
            SettleLocked(post.Kind, post.Slot);
        }
        Volatile.Write(ref _pendingPostCount, 0);
    }
}
