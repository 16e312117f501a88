using Collectives.Buffers;
using Collectives.Wire;

namespace Collectives.Transport.SharedMemory;

/// <summary>
/// The sending side of one direction's ring. Only one thread at a time uses it (the link's one
/// sender, or the progress thread finishing that sender's parked send). It publishes the head
/// with a full fence and then reads the consumer's waiting flag: the consumer sets that flag
/// with a full fence before its last look at the head, so one of the two always sees the other.
/// </summary>
internal sealed unsafe class RingProducer
{
    private const long WrapCheckStride = 4096;

    private readonly byte* _ring;
    private readonly long _capacity;
    private readonly long _mask;
    private readonly long* _head;
    private readonly long* _tail;
    private readonly int* _consumerWaiting;
    private readonly int* _producerWaiting;
    private long _position;
    private long _cachedTail;
    private long _nextWrapCheck;

    public RingProducer(byte* segment, int direction, long capacity)
    {
        byte* control = segment + SegmentLayout.ControlOffset(direction);
        _ring = segment + SegmentLayout.RingOffset(direction, capacity);
        _capacity = capacity;
        _mask = capacity - 1;
        _head = (long*)(control + SegmentLayout.HeadOffset);
        _tail = (long*)(control + SegmentLayout.TailOffset);
        _consumerWaiting = (int*)(control + SegmentLayout.ConsumerWaitingOffset);
        _producerWaiting = (int*)(control + SegmentLayout.ProducerWaitingOffset);
        _position = Volatile.Read(ref *_head);
        _cachedTail = Volatile.Read(ref *_tail);
        InlineLimit = RingGeometry.InlineLimit(capacity);
    }

    /// <summary>Payloads up to this length travel in place; longer ones stream.</summary>
    public int InlineLimit { get; }

    /// <summary>
    /// Writes a whole inline frame and publishes it, or returns false (writing nothing) when the
    /// ring lacks room. <paramref name="wakeConsumer"/>: the consumer is parked and must be rung.
    /// </summary>
    public bool TryWriteFrame(in FrameHeader header, ReadOnlySpan<byte> payload, out bool wakeConsumer)
    {
        long record = RingGeometry.RecordBytes(payload.Length);
        if (!TryReserve(record))
        {
            wakeConsumer = false;
            return false;
        }
        byte* at = _ring + (_position & _mask);
        header.Write(new Span<byte>(at, FrameHeader.Size));
        BulkCopy.Copy(payload, new Span<byte>(at + FrameHeader.Size, payload.Length));
        _position += record;
        wakeConsumer = Publish();
        return true;
    }

    /// <summary>Writes the header record of a streamed frame; false when there is no room for it yet.</summary>
    public bool TryBeginStream(in FrameHeader header, out bool wakeConsumer)
    {
        if (!TryReserve(FrameHeader.Size))
        {
            wakeConsumer = false;
            return false;
        }
        header.Write(new Span<byte>(_ring + (_position & _mask), FrameHeader.Size));
        _position += FrameHeader.Size;
        wakeConsumer = Publish();
        return true;
    }

    /// <summary>
    /// Streams as much of the payload (then its padding to a whole line) as the ring has room
    /// for. <paramref name="streamed"/> counts bytes written so far, padding included; true once
    /// all are in.
    /// </summary>
    public bool ContinueStream(ReadOnlySpan<byte> payload, ref long streamed, out bool wakeConsumer)
    {
        wakeConsumer = false;
        long total = RingGeometry.AlignUp(payload.Length);
        _cachedTail = Volatile.Read(ref *_tail);
        long free = _capacity - (_position - _cachedTail);
        // Whole lines only, so the head stays line-aligned and the final record boundary is too.
        long step = Math.Min(total - streamed, free & ~(long)(SharedMemoryTuning.RecordAlignment - 1));
        if (step > 0)
        {
            long data = Math.Clamp(payload.Length - streamed, 0, step);
            if (data > 0)
            {
                CopyIn(payload.Slice((int)streamed, (int)data));
            }
            _position += step;
            streamed += step;
            wakeConsumer = Publish();
        }
        return streamed == total;
    }

    /// <summary>Says whether this side is parked waiting for room; a full fence, so the caller's next look at the tail is fresh.</summary>
    public void SetWaiting(bool waiting) => Interlocked.Exchange(ref *_producerWaiting, waiting ? 1 : 0);

    /// <summary>
    /// Makes room for a record of <paramref name="record"/> bytes at the current position,
    /// writing a padding line first when the record would cross the ring's end, or when the
    /// position has left the hot window and the start of the ring is free again.
    /// </summary>
    private bool TryReserve(long record)
    {
        long offset = _position & _mask;
        long padding = 0;
        if (offset + record > _capacity)
        {
            padding = _capacity - offset;
        }
        else if (offset >= SharedMemoryTuning.HotWindowBytes && record <= offset && _position >= _nextWrapCheck)
        {
            // Start over at offset 0 as soon as the record fits there (the consumer is past it),
            // rather than walking the whole ring: the bytes in flight stay in as few, as recently
            // used cache lines as the traffic allows.
            _cachedTail = Volatile.Read(ref *_tail);
            if (_cachedTail >= _position - offset + record)
            {
                padding = _capacity - offset;
            }
            else
            {
                _nextWrapCheck = _position + WrapCheckStride;
            }
        }
        long end = _position + padding + record;
        if (end - _cachedTail > _capacity)
        {
            _cachedTail = Volatile.Read(ref *_tail);
            if (end - _cachedTail > _capacity)
            {
                return false;
            }
        }
        if (padding > 0)
        {
            *(uint*)(_ring + offset) = RingGeometry.PaddingMagic;
            _position += padding;
            _nextWrapCheck = 0;
        }
        return true;
    }

    private void CopyIn(ReadOnlySpan<byte> data)
    {
        long offset = _position & _mask;
        int first = (int)Math.Min(data.Length, _capacity - offset);
        BulkCopy.Copy(data[..first], new Span<byte>(_ring + offset, first));
        BulkCopy.Copy(data[first..], new Span<byte>(_ring, data.Length - first));
    }

    private bool Publish()
    {
        Interlocked.Exchange(ref *_head, _position);
        return Volatile.Read(ref *_consumerWaiting) != 0;
    }
}
