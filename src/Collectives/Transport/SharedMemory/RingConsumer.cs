using Collectives.Buffers;
using Collectives.Wire;

namespace Collectives.Transport.SharedMemory;

/// <summary>
/// The receiving side of one direction's ring. Frames are lent in place: the payload handed out
/// is the ring's own memory, and the tail (the producer's room) only moves past it once the
/// receiver disposes the frame. A <see cref="SpinGate"/> guards the read position and the lends,
/// because a frame may be disposed on one thread while the next receive runs on another (the
/// progress thread).
/// </summary>
internal sealed unsafe class RingConsumer
{
    private SpinGate _gate;
    private readonly byte* _ring;
    private readonly long _capacity;
    private readonly long _mask;
    private readonly long* _head;
    private readonly long* _tail;
    private readonly int* _consumerWaiting;
    private readonly int* _producerWaiting;
    private readonly Memory<byte> _memory;
    private readonly int _inlineLimit;
    private readonly LendQueue _lends = new();
    private long _position;
    private long _cachedHead;
    private long _publishedTail;
    private byte[]? _assembly;
    private int _assembled;
    private FrameHeader _assemblyHeader;
    private bool _closed;
    private bool _disposed;
    private bool _pagesReleased;

    public RingConsumer(byte* segment, int direction, long capacity)
    {
        byte* control = segment + SegmentLayout.ControlOffset(direction);
        _ring = segment + SegmentLayout.RingOffset(direction, capacity);
        _capacity = capacity;
        _mask = capacity - 1;
        _head = (long*)(control + SegmentLayout.HeadOffset);
        _tail = (long*)(control + SegmentLayout.TailOffset);
        _consumerWaiting = (int*)(control + SegmentLayout.ConsumerWaitingOffset);
        _producerWaiting = (int*)(control + SegmentLayout.ProducerWaitingOffset);
        _memory = new UnmanagedMemoryManager<byte>(_ring, checked((int)capacity)).Memory;
        _inlineLimit = RingGeometry.InlineLimit(capacity);
        _position = Volatile.Read(ref *_tail);
        _cachedHead = _position;
        _publishedTail = _position;
    }

    /// <summary>A cheap hint for spinning: the producer has published past what was taken.</summary>
    public bool MayHaveData => Volatile.Read(ref *_head) != Volatile.Read(ref _position);

    /// <summary>Says whether this side is parked waiting for data; a full fence, so the next look at the head is fresh.</summary>
    public void SetWaiting(bool waiting) => Interlocked.Exchange(ref *_consumerWaiting, waiting ? 1 : 0);

    /// <summary>
    /// Takes the next frame if it is all there. <paramref name="wakeProducer"/>: room was freed
    /// while the producer is parked, so it must be rung.
    /// </summary>
    public ReceiveStatus TryReceive(IInboundFrameOwner owner, out InboundFrame frame, out string? problem, out bool wakeProducer)
    {
        frame = default;
        problem = null;
        wakeProducer = false;
        _gate.Enter();
        try
        {
            if (_closed)
            {
                return ReceiveStatus.Closed;
            }
            if (_assembly is not null)
            {
                return ContinueAssembly(out frame, ref wakeProducer);
            }
            while (true)
            {
                long available = Available();
                if (available == 0)
                {
                    return ReceiveStatus.Empty;
                }
                long offset = _position & _mask;
                byte* at = _ring + offset;
                if (*(uint*)at == RingGeometry.PaddingMagic)
                {
                    _position += _capacity - offset;
                    wakeProducer |= PublishTail();
                    continue;
                }
                if (available < FrameHeader.Size)
                {
                    problem = "a record shorter than a frame header";
                    return ReceiveStatus.Malformed;
                }
                if (!FrameHeader.TryRead(new ReadOnlySpan<byte>(at, FrameHeader.Size), out FrameHeader header, out FrameHeaderError error))
                {
                    problem = $"a malformed frame header ({error})";
                    return ReceiveStatus.Malformed;
                }
                int length = header.PayloadLength;
                if (length <= _inlineLimit)
                {
                    long record = RingGeometry.RecordBytes(length);
                    if (record > available || offset + record > _capacity)
                    {
                        problem = $"a frame of {length} bytes that runs past the data the peer published or the ring's end";
                        return ReceiveStatus.Malformed;
                    }
                    if (_lends.IsFull)
                    {
                        problem = $"the receiver holds {_lends.Count} frames it has not disposed";
                        return ReceiveStatus.TooManyLends;
                    }
                    short token = _lends.Add(_position);
                    _position += record;
                    frame = new InboundFrame(header, _memory.Slice((int)offset + FrameHeader.Size, length), owner, token);
                    return ReceiveStatus.Frame;
                }
                // Above the inline limit the payload streams after its header; it is copied out
                // as it arrives (FrameHeader.TryRead has capped the length already).
                _position += FrameHeader.Size;
                wakeProducer |= PublishTail();
                _assembly = GC.AllocateUninitializedArray<byte>(length);
                _assembled = 0;
                _assemblyHeader = header;
                return ContinueAssembly(out frame, ref wakeProducer);
            }
        }
        finally
        {
            _gate.Exit();
        }
    }

    /// <summary>The next frame's header if it has arrived, leaving it in the ring.</summary>
    public bool TryPeekHeader(out FrameHeader header)
    {
        _gate.Enter();
        try
        {
            if (_assembly is not null)
            {
                header = _assemblyHeader;
                return true;
            }
            header = default;
            if (_closed)
            {
                return false;
            }
            long position = _position;
            long head = Volatile.Read(ref *_head);
            while (head - position >= FrameHeader.Size)
            {
                long offset = position & _mask;
                if (*(uint*)(_ring + offset) == RingGeometry.PaddingMagic)
                {
                    position += _capacity - offset;
                    continue;
                }
                return FrameHeader.TryRead(new ReadOnlySpan<byte>(_ring + offset, FrameHeader.Size), out header, out _);
            }
            return false;
        }
        finally
        {
            _gate.Exit();
        }
    }

    /// <summary>
    /// The receiver is done with a lent frame. Returns true when this end was disposed meanwhile
    /// and that was the last frame held, so the mapping may go now.
    /// </summary>
    public bool Release(short token, out bool wakeProducer)
    {
        wakeProducer = false;
        _gate.Enter();
        try
        {
            if (!_lends.Release(token))
            {
                return false;
            }
            if (_closed)
            {
                ReleasePagesIfIdle();
                return _disposed && _lends.Count == 0;
            }
            wakeProducer = PublishTail();
            return false;
        }
        finally
        {
            _gate.Exit();
        }
    }

    /// <summary>
    /// Stops taking frames (the link was aborted) and gives the ring's pages back to the system as
    /// soon as no lent frame needs them. With <paramref name="dispose"/> (the link end is being
    /// disposed) returns true when no frame is held, so the mapping may go now; else the last
    /// release says so.
    /// </summary>
    public bool Close(bool dispose)
    {
        _gate.Enter();
        try
        {
            _closed = true;
            _disposed |= dispose;
            _assembly = null;
            ReleasePagesIfIdle();
            return _disposed && _lends.Count == 0;
        }
        finally
        {
            _gate.Exit();
        }
    }

    /// <summary>
    /// An aborted link carries nothing more, but its mapping may live on (links are often only
    /// aborted, never disposed): free the pages this end reads from. Only this end's inbound ring,
    /// and only once no frame is lent, so no payload anyone reads can vanish.
    /// </summary>
    private void ReleasePagesIfIdle()
    {
        if (_lends.Count == 0 && !_pagesReleased)
        {
            _pagesReleased = true;
            LibC.MAdvise(_ring, (nuint)_capacity, LibC.AdviseRemove);
        }
    }

    private long Available()
    {
        if (_cachedHead == _position)
        {
            _cachedHead = Volatile.Read(ref *_head);
        }
        return _cachedHead - _position;
    }

    private ReceiveStatus ContinueAssembly(out InboundFrame frame, ref bool wakeProducer)
    {
        frame = default;
        byte[] assembly = _assembly!;
        int take = (int)Math.Min(Available(), assembly.Length - _assembled);
        if (take > 0)
        {
            CopyOut(assembly.AsSpan(_assembled, take));
            _position += take;
            _assembled += take;
        }
        if (_assembled < assembly.Length)
        {
            if (take > 0)
            {
                wakeProducer |= PublishTail();
            }
            return ReceiveStatus.Empty;
        }
        // The producer publishes whole lines, so the padding after the payload is there too.
        _position = RingGeometry.AlignUp(_position);
        wakeProducer |= PublishTail();
        frame = new InboundFrame(_assemblyHeader, assembly, owner: null, token: 0);
        _assembly = null;
        return ReceiveStatus.Frame;
    }

    private void CopyOut(Span<byte> destination)
    {
        long offset = _position & _mask;
        int first = (int)Math.Min(destination.Length, _capacity - offset);
        BulkCopy.Copy(new ReadOnlySpan<byte>(_ring + offset, first), destination);
        BulkCopy.Copy(new ReadOnlySpan<byte>(_ring, destination.Length - first), destination[first..]);
    }

    /// <summary>Moves the tail up to the oldest frame still held (or everything taken), with a full fence before reading the producer's flag.</summary>
    private bool PublishTail()
    {
        long tail = _lends.Count == 0 ? _position : _lends.OldestStart;
        if (tail == _publishedTail)
        {
            return false;
        }
        _publishedTail = tail;
        Interlocked.Exchange(ref *_tail, tail);
        return Volatile.Read(ref *_producerWaiting) != 0;
    }
}
