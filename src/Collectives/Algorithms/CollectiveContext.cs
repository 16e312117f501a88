using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Collectives.Buffers;
using Collectives.Kernels;
using Collectives.Topology;
using Collectives.Transport;
using Collectives.Wire;

namespace Collectives.Algorithms;

/// <summary>
/// Everything an algorithm needs for one call: who it is, links to its peers, and frame
/// handling. It stamps every outgoing frame with the call's header and checks every incoming
/// header (communicator, sequence number, fingerprint, chunk) before the payload is touched.
/// Algorithms see links only through this type and never name a transport.
/// </summary>
internal sealed class CollectiveContext
{
    private readonly IPeerLink?[] _links;
    // Every channel's links (channel 0 is _links); views of other channels are made from these.
    private readonly IPeerLink?[][] _channels;
    private readonly int _channel;
    private JobTopology? _topology;
    // Each link as a direct receiver (or null), looked up once: an interface cast per frame
    // showed up in small-message profiles. Links are all connected before a context exists.
    private readonly IDirectReceive?[] _direct;
    private readonly Action<Exception> _fail;
    // Group index → rank of the communicator. The identity for a communicator's own context; a
    // sub-group view (Group) maps its members, so headers and messages always carry real ranks.
    private readonly int[] _globalOf;
    // Added to every offset this context stamps and expects: phases of a hierarchical algorithm
    // that reuse a link get distinct offset ranges, so a frame can never pass for another phase's.
    private readonly long _offsetBase;
    // The communicator's own context, which holds the waiting state timeouts report.
    private readonly CollectiveContext _root;
    private int _awaitingReceiveFrom = -1;
    private int _awaitingSendTo = -1;

    public CollectiveContext(int rank, int size, IPeerLink?[] links, ulong communicatorId, uint epoch,
        ScratchArena scratch, int chunkBytes, Action<Exception> fail, bool receiveSide = false, IPeerLink?[][]? extraChannels = null)
    {
        _channels = [links, .. extraChannels ?? []];
        ReceiveSide = receiveSide;
        Rank = rank;
        Size = size;
        _links = links;
        _direct = Array.ConvertAll(links, link => link as IDirectReceive);
        CommunicatorId = communicatorId;
        Epoch = epoch;
        Scratch = scratch;
        ConfiguredChunkBytes = chunkBytes;
        _fail = fail;
        _globalOf = Enumerable.Range(0, size).ToArray();
        _root = this;
        GlobalRank = rank;
        DividesAverage = true;
    }

    private CollectiveContext(CollectiveContext parent, IReadOnlyList<int> group, long offsetBase, int? channel = null)
    {
        int[] members = group as int[] ?? [.. group];
        // Members are ranks of the parent view, so look for the parent's own rank there.
        int self = Array.IndexOf(members, parent.Rank);
        if (self < 0 || members.Distinct().Count() != members.Length)
        {
            throw new InvalidOperationException($"Rank {parent.GlobalRank} built a group [{string.Join(",", members)}] it is not in once; this is a bug in the algorithm.");
        }
        _root = parent._root;
        ReceiveSide = parent.ReceiveSide;
        Rank = self;
        Size = members.Length;
        GlobalRank = parent.GlobalRank;
        _globalOf = members.Select(m => parent._globalOf[m]).ToArray();
        _channels = parent._channels.Select(links => members.Select(m => links[m]).ToArray()).ToArray();
        _channel = channel ?? parent._channel; // a group inside a channel stays on that channel
        _links = _channels[_channel];
        _direct = Array.ConvertAll(_links, link => link as IDirectReceive);
        _offsetBase = parent._offsetBase + offsetBase;
        CommunicatorId = parent.CommunicatorId;
        Epoch = parent.Epoch;
        Scratch = parent.Scratch;
        ConfiguredChunkBytes = parent.ConfiguredChunkBytes;
        _fail = parent._fail;
        Fingerprint = parent.Fingerprint;
        Sequence = parent.Sequence;
        ElementSize = parent.ElementSize;
        ChunkBytes = parent.ChunkBytes;
        DividesAverage = false;
    }

    /// <summary>
    /// A view of this call restricted to <paramref name="members"/> (ranks of this context, in
    /// the group's order): its Rank and Size are the group's, its links the members' links, its
    /// frames carry real ranks and offsets shifted by <paramref name="offsetBase"/>. Algorithms
    /// run inside it unchanged; hierarchical algorithms run one per host and one across hosts.
    /// A group never divides for Avg: the caller finishes the average once, by the full size.
    /// </summary>
    public CollectiveContext Group(IReadOnlyList<int> members, long offsetBase) => new(this, members, offsetBase);

    /// <summary>How many link sets (parallel rings) this context can use.</summary>
    public int ChannelCount => _channels.Length;

    /// <summary>
    /// This call over channel <paramref name="channel"/>'s links (a separate connection to every
    /// peer), offsets shifted by <paramref name="offsetBase"/>: channels run at once without their
    /// frames meeting on one link. Like a group view it never divides for Avg.
    /// </summary>
    public CollectiveContext Channel(int channel, long offsetBase)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(channel);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(channel, ChannelCount);
        return new(this, Enumerable.Range(0, Size).ToArray(), offsetBase, channel);
    }

    /// <summary>This rank's number in the communicator (Rank is the group's in a <see cref="Group"/> view).</summary>
    public int GlobalRank { get; }

    /// <summary>
    /// Where the ranks run, by host, for the hierarchical algorithms: the communicator's topology
    /// (one host when none was given). A group view has its own ranks, so it is one host there.
    /// </summary>
    public JobTopology Topology
    {
        get => _topology ??= JobTopology.SingleHost(Size);
        init => _topology = value;
    }

    /// <summary>False in a group view: <see cref="FinishAverage"/> does nothing there.</summary>
    public bool DividesAverage { get; }

    public int Rank { get; }

    /// <summary>True for the context of point-to-point receives from one peer.</summary>
    public bool ReceiveSide { get; }

    public int Size { get; }

    public ulong CommunicatorId { get; }

    public uint Epoch { get; }

    public ScratchArena Scratch { get; }

    /// <summary>The call being run: set by <see cref="Begin"/>.</summary>
    public OperationFingerprint Fingerprint { get; private set; }

    public long Sequence { get; private set; }

    public DataType DataType => Fingerprint.DataType;

    public ReduceOp Op => Fingerprint.Op;

    public int ElementSize { get; private set; }

    /// <summary>Largest payload of one frame for this call: the configured size rounded down to whole elements.</summary>
    public int ChunkBytes { get; private set; }

    private int ConfiguredChunkBytes { get; }

    /// <summary>The peer this rank is blocked receiving from, or -1; named by timeout messages.</summary>
    public int AwaitingReceiveFrom => Volatile.Read(ref _awaitingReceiveFrom);

    /// <summary>The peer this rank is blocked sending to, or -1; named by timeout messages.</summary>
    public int AwaitingSendTo => Volatile.Read(ref _awaitingSendTo);

    /// <summary>What this rank is blocked on, for timeout messages: "waiting to receive from rank 3".</summary>
    public string DescribeWaiting()
    {
        int receiving = AwaitingReceiveFrom;
        int sending = AwaitingSendTo;
        return (receiving, sending) switch
        {
            (>= 0, >= 0) when receiving == sending => $"waiting to exchange data with rank {receiving}",
            (>= 0, >= 0) => $"waiting to receive from rank {receiving} and to send to rank {sending}",
            (>= 0, _) => $"waiting to receive from rank {receiving}",
            (_, >= 0) => $"waiting to send to rank {sending}",
            _ => "not waiting on any rank",
        };
    }

    /// <summary>A readable name for the call in messages: "AllReduce(float × 1024, Sum, ring) #5".</summary>
    public string Describe() => ReceiveSide
        ? "Receive" + Describe(Fingerprint, Sequence)[nameof(CollectiveKind.Send).Length..]
        : Describe(Fingerprint, Sequence);

    public static string Describe(in OperationFingerprint fingerprint, long sequence) =>
        string.Create(CultureInfo.InvariantCulture, $"{fingerprint} #{sequence}");

    /// <summary>Stamps the call; <paramref name="chunkBytes"/> above 0 overrides the configured chunk (the selector's choice).</summary>
    public void Begin(in OperationFingerprint fingerprint, long sequence, int chunkBytes = 0)
    {
        Fingerprint = fingerprint;
        Sequence = sequence;
        ElementSize = DataTypes.SizeOf(fingerprint.DataType);
        int chunk = chunkBytes > 0 ? chunkBytes : ConfiguredChunkBytes;
        ChunkBytes = Math.Max(ElementSize, chunk / ElementSize * ElementSize);
        _awaitingReceiveFrom = -1;
        _awaitingSendTo = -1;
    }

    /// <summary>Number of frames a transfer of <paramref name="bytes"/> takes (an empty transfer is one empty frame).</summary>
    public int ChunkCount(int bytes) => bytes == 0 ? 1 : (int)(((long)bytes + ChunkBytes - 1) / ChunkBytes);

    /// <summary>Byte range of chunk <paramref name="index"/> of a <paramref name="bytes"/>-long transfer.</summary>
    public (int Start, int Length) Chunk(int bytes, int index)
    {
        int start = (int)Math.Min((long)index * ChunkBytes, bytes);
        return (start, Math.Min(ChunkBytes, bytes - start));
    }

    /// <summary>Sends one frame carrying <paramref name="payload"/>, stamped as byte <paramref name="offset"/> of this call.</summary>
    public async ValueTask SendAsync(int peer, ReadOnlyMemory<byte> payload, long offset)
    {
        var header = new FrameHeader(FrameKind.Data, CommunicatorId, Epoch, GlobalRank, Sequence, Fingerprint, _offsetBase + offset,
            payload.Length);
        Volatile.Write(ref _root._awaitingSendTo, _globalOf[peer]);
        await Link(peer).SendAsync(header, payload).ConfigureAwait(false);
        Volatile.Write(ref _root._awaitingSendTo, -1);
    }

    /// <summary>Receives one frame from <paramref name="peer"/> and copies it into <paramref name="destination"/>.</summary>
    public async ValueTask ReceiveCopyAsync(int peer, Memory<byte> destination, long offset)
    {
        if (_direct[peer] is { } direct)
        {
            // The header is checked before a byte of payload is read, then the payload lands in place.
            Volatile.Write(ref _root._awaitingReceiveFrom, _globalOf[peer]);
            FrameHeader header = await direct.ReceiveHeaderAsync().ConfigureAwait(false);
            try
            {
                Check(header, peer, offset, destination.Length);
            }
            catch (Exception error)
            {
                _fail(error);
                throw;
            }
            await direct.ReceivePayloadAsync(destination).ConfigureAwait(false);
            Volatile.Write(ref _root._awaitingReceiveFrom, -1);
            return;
        }
        using InboundFrame frame = await ReceiveCheckedAsync(peer, offset, destination.Length).ConfigureAwait(false);
        ReadOnlySpan<byte> payload = frame.Payload.Span;
        // A frame placed through OfferPlacement already lies where it belongs; Check made the lengths equal.
        if (!Unsafe.AreSame(ref MemoryMarshal.GetReference(payload), ref MemoryMarshal.GetReference(destination.Span)))
        {
            // Read again soon (forwarded by a ring, sent by the next in-place call, read by the caller): kept cached where it fits.
            BulkCopy.CopyReadSoon(payload, destination.Span);
        }
    }

    /// <summary>
    /// Offers <paramref name="region"/>, which bytes [<paramref name="offset"/>, +length) of this
    /// call from <paramref name="peer"/> will fill, for the peer to write into directly (links
    /// with <see cref="IPlacedReceive"/>); <see cref="ReceiveCopyAsync"/> then copies nothing for
    /// those frames. Only for memory nothing else touches until each of those frames is
    /// received: a placed frame lands before its receive. Null when the link does not place;
    /// close the window when the call ends, saying whether it completed.
    /// </summary>
    public PlacementWindow? OfferPlacement(int peer, Memory<byte> region, long offset) =>
        _links[peer] is IPlacedReceive placed ? placed.OfferPlacement(Epoch, Sequence, _offsetBase + offset, region) : null;

    /// <summary>
    /// Receives one frame from <paramref name="peer"/> and reduces it straight out of the lent
    /// payload: <c>destination = local op incoming</c> (local first, so every rank reduces in the
    /// same order). <paramref name="destination"/> may be the same memory as <paramref name="local"/>.
    /// </summary>
    public async ValueTask ReceiveReduceAsync(int peer, ReadOnlyMemory<byte> local, Memory<byte> destination, long offset)
    {
        using InboundFrame frame = await ReceiveCheckedAsync(peer, offset, destination.Length).ConfigureAwait(false);
        ReductionKernels.Reduce(DataType, Op, local.Span, frame.Payload.Span, destination.Span);
    }

    /// <summary>Sends <paramref name="data"/> to <paramref name="peer"/> in chunks, one frame at a time.</summary>
    public async ValueTask SendChunkedAsync(int peer, ReadOnlyMemory<byte> data, long offset)
    {
        int chunks = ChunkCount(data.Length);
        for (int i = 0; i < chunks; i++)
        {
            (int start, int length) = Chunk(data.Length, i);
            await SendAsync(peer, data.Slice(start, length), offset + start).ConfigureAwait(false);
        }
    }

    /// <summary>Receives a chunked transfer from <paramref name="peer"/> into <paramref name="destination"/>.</summary>
    public async ValueTask ReceiveChunkedAsync(int peer, Memory<byte> destination, long offset)
    {
        int chunks = ChunkCount(destination.Length);
        for (int i = 0; i < chunks; i++)
        {
            (int start, int length) = Chunk(destination.Length, i);
            await ReceiveCopyAsync(peer, destination.Slice(start, length), offset + start).ConfigureAwait(false);
        }
    }

    /// <summary>Receives a chunked transfer from <paramref name="peer"/> and reduces it: destination = local op incoming.</summary>
    public async ValueTask ReceiveReduceChunkedAsync(int peer, ReadOnlyMemory<byte> local, Memory<byte> destination, long offset)
    {
        int chunks = ChunkCount(destination.Length);
        for (int i = 0; i < chunks; i++)
        {
            (int start, int length) = Chunk(destination.Length, i);
            await ReceiveReduceAsync(peer, local.Slice(start, length), destination.Slice(start, length), offset + start).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Sends <paramref name="send"/> to <paramref name="sendPeer"/> while receiving from
    /// <paramref name="receivePeer"/>, chunk by chunk, both directions in flight together (the
    /// pattern of every ring step). With <paramref name="reduce"/> the incoming chunk is reduced:
    /// <c>receive = local op incoming</c>; otherwise it is copied into <paramref name="receive"/>.
    /// </summary>
    public async ValueTask SendReceiveAsync(int sendPeer, ReadOnlyMemory<byte> send, long sendOffset,
        int receivePeer, Memory<byte> receive, long receiveOffset, bool reduce = false, ReadOnlyMemory<byte> local = default)
    {
        int sendChunks = ChunkCount(send.Length);
        int receiveChunks = ChunkCount(receive.Length);
        int rounds = Math.Max(sendChunks, receiveChunks);
        for (int i = 0; i < rounds; i++)
        {
            ValueTask sending = default;
            if (i < sendChunks)
            {
                (int start, int length) = Chunk(send.Length, i);
                sending = SendAsync(sendPeer, send.Slice(start, length), sendOffset + start);
            }
            if (i < receiveChunks)
            {
                (int start, int length) = Chunk(receive.Length, i);
                try
                {
                    if (reduce)
                    {
                        await ReceiveReduceAsync(receivePeer, local.Slice(start, length), receive.Slice(start, length),
                            receiveOffset + start).ConfigureAwait(false);
                    }
                    else
                    {
                        await ReceiveCopyAsync(receivePeer, receive.Slice(start, length), receiveOffset + start).ConfigureAwait(false);
                    }
                }
                catch (Exception e)
                {
                    await FailAndObserveAsync(e, sending).ConfigureAwait(false);
                    throw;
                }
            }
            await sending.ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Runs two halves of an algorithm at once (a tree's reduce and broadcast waves). When one
    /// fails the links are torn down at once, so the other half cannot wait forever.
    /// </summary>
    public async ValueTask WhenBothAsync(ValueTask first, ValueTask second)
    {
        try
        {
            await first.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            await FailAndObserveAsync(e, second).ConfigureAwait(false);
            throw;
        }
        await second.ConfigureAwait(false);
    }

    /// <summary>Avg's single scale at the end: divides the finished elements by the number of ranks.</summary>
    public void FinishAverage(Memory<byte> data)
    {
        if (DividesAverage && Op == ReduceOp.Avg && Size > 1)
        {
            ReductionKernels.Divide(DataType, data.Span, Size);
        }
    }

    /// <summary>Tears the links down for <paramref name="error"/>, then waits for an operation still in flight to notice.</summary>
    public async ValueTask FailAndObserveAsync(Exception error, ValueTask pending)
    {
        _fail(error);
        try
        {
            await pending.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Expected: the abort just failed it. The first error is the one worth reporting.
        }
    }

    private IPeerLink Link(int peer) => _links[peer] ?? throw new InvalidOperationException(
        $"Rank {GlobalRank} has no link to rank {_globalOf[peer]} in {Describe()}; this is a bug in the algorithm.");

    private async ValueTask<InboundFrame> ReceiveCheckedAsync(int peer, long offset, int length)
    {
        Volatile.Write(ref _root._awaitingReceiveFrom, _globalOf[peer]);
        InboundFrame frame = await Link(peer).ReceiveAsync().ConfigureAwait(false);
        Volatile.Write(ref _root._awaitingReceiveFrom, -1);
        try
        {
            Check(frame.Header, peer, offset, length);
        }
        catch (Exception error)
        {
            // Tear the links down before handing the frame back, so its sender fails too
            // instead of seeing a completed send.
            _fail(error);
            frame.Dispose();
            throw;
        }
        return frame;
    }

    /// <summary>
    /// Looks for a frame already waiting on any link that belongs to this call's sequence
    /// number but describes a different call: the sign that ranks made different calls and wait
    /// on each other in patterns that never meet (a tree against a ring, different roots).
    /// Point-to-point frames are skipped: a peer may legitimately send one ahead.
    /// </summary>
    public CollectiveMismatchException? FindMismatchedPendingFrame()
    {
        if (Fingerprint.Collective == CollectiveKind.Send)
        {
            return null;
        }
        for (int peer = 0; peer < _links.Length; peer++)
        {
            if (_links[peer] is { } link && link.TryPeekHeader(out FrameHeader header) &&
                header.Fingerprint.Collective != CollectiveKind.Send && header.Sequence == Sequence &&
                header.CommunicatorId == CommunicatorId && header.Fingerprint != Fingerprint)
            {
                string local = Describe();
                string remote = Describe(header.Fingerprint, header.Sequence);
                return Mismatch(peer, local, remote, MismatchMessage(peer, local, remote));
            }
        }
        return null;
    }

    private string MismatchMessage(int peer, string local, string remote) => string.Create(CultureInfo.InvariantCulture,
        $"Rank {GlobalRank} called {local} but rank {peer} called {remote}. Every rank must make the same calls " +
        $"in the same order with the same count, element type, op, root and algorithm.");

    private void Check(in FrameHeader header, int peer, long offset, int length)
    {
        offset += _offsetBase;
        peer = _globalOf[peer];
        if (header.CommunicatorId == CommunicatorId && header.Epoch == Epoch && header.Sequence == Sequence &&
            header.Fingerprint == Fingerprint && header.SenderRank == peer && header.ChunkOffset == offset &&
            header.PayloadLength == length)
        {
            return; // every frame of a healthy call: no message is built
        }
        string local = Describe();
        if (header.CommunicatorId != CommunicatorId || header.Epoch != Epoch)
        {
            string remote = string.Create(CultureInfo.InvariantCulture,
                $"a call on communicator {header.CommunicatorId:x16} epoch {header.Epoch}");
            throw Mismatch(peer, local, remote, string.Create(CultureInfo.InvariantCulture,
                $"Rank {GlobalRank} in {local} on communicator {CommunicatorId:x16} epoch {Epoch} received a frame from rank {peer} " +
                $"belonging to {remote}. Links must not be shared between communicators."));
        }
        if (header.Sequence != Sequence || header.Fingerprint != Fingerprint)
        {
            string remote = Describe(header.Fingerprint, header.Sequence);
            throw Mismatch(peer, local, remote, MismatchMessage(peer, local, remote));
        }
        if (header.SenderRank != peer || header.ChunkOffset != offset || header.PayloadLength != length)
        {
            throw new CollectiveException(string.Create(CultureInfo.InvariantCulture,
                $"Rank {GlobalRank} in {local} expected bytes [{offset}, {offset + length}) from rank {peer} but received bytes " +
                $"[{header.ChunkOffset}, {header.ChunkOffset + header.PayloadLength}) stamped by rank {header.SenderRank}. " +
                $"Make sure every rank uses the same CommunicatorOptions (ChunkBytes, Algorithm)."),
                GlobalRank, peer, local, Sequence);
        }
    }

    private CollectiveMismatchException Mismatch(int peer, string local, string remote, string message) =>
        new(message, GlobalRank, peer, local, Sequence, local, remote);
}
