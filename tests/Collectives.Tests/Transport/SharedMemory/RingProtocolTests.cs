using System.Runtime.InteropServices;
using Collectives.Kernels;
using Collectives.Transport;
using Collectives.Transport.SharedMemory;
using Collectives.Wire;

namespace Collectives.Tests.Transport.SharedMemory;

/// <summary>
/// The ring protocol on its own, over plain native memory laid out like a pair segment: records,
/// wrapping, the hot window, streamed frames, lends, and what a receiver does with garbage.
/// </summary>
public sealed unsafe class RingProtocolTests : IDisposable
{
    private const long Capacity = SharedMemoryTransportOptions.MinRingBytes;

    private readonly byte* _segment;
    private readonly RingProducer _producer;
    private readonly RingConsumer _consumer;

    public RingProtocolTests()
    {
        nuint bytes = (nuint)SegmentLayout.PairSegmentBytes(Capacity);
        _segment = (byte*)NativeMemory.AlignedAlloc(bytes, 4096);
        NativeMemory.Clear(_segment, bytes);
        _producer = new RingProducer(_segment, direction: 0, Capacity);
        _consumer = new RingConsumer(_segment, direction: 0, Capacity);
    }

    public void Dispose() => NativeMemory.AlignedFree(_segment);

    private static FrameHeader Header(long sequence, int length) =>
        new(FrameKind.Data, 5, 0, 0, sequence,
            new OperationFingerprint(CollectiveKind.Send, DataType.UInt8, ReduceOp.Sum, Algorithm.Direct, 0, length), 0, length);

    private long Head => Volatile.Read(ref *(long*)(_segment + SegmentLayout.ControlOffset(0) + SegmentLayout.HeadOffset));

    private long Tail => Volatile.Read(ref *(long*)(_segment + SegmentLayout.ControlOffset(0) + SegmentLayout.TailOffset));

    [Fact]
    public void FramesWrapAroundTheRingEndIntact()
    {
        var random = new Random(3);
        for (int i = 0; i < 2000; i++)
        {
            byte[] payload = new byte[random.Next(0, _producer.InlineLimit + 1)];
            random.NextBytes(payload);
            Assert.True(_producer.TryWriteFrame(Header(i, payload.Length), payload, out _));
            Assert.Equal(ReceiveStatus.Frame, _consumer.TryReceive(NoOwner.Instance, out InboundFrame frame, out _, out _));
            Assert.Equal(i, frame.Header.Sequence);
            Assert.True(frame.Payload.Span.SequenceEqual(payload), $"frame {i} differs");
            Assert.False(_consumer.Release(NoOwner.Token(frame), out _));
            Assert.Equal(Head, Tail);
        }
        Assert.True(Head > 10 * Capacity);
    }

    [Fact]
    public void SmallFramesStayInTheHotWindowWhenTheReceiverKeepsUp()
    {
        const long capacity = 4 << 20;
        nuint bytes = (nuint)SegmentLayout.PairSegmentBytes(capacity);
        byte* segment = (byte*)NativeMemory.AlignedAlloc(bytes, 4096);
        try
        {
            NativeMemory.Clear(segment, bytes);
            var producer = new RingProducer(segment, direction: 1, capacity);
            var consumer = new RingConsumer(segment, direction: 1, capacity);
            long* head = (long*)(segment + SegmentLayout.ControlOffset(1) + SegmentLayout.HeadOffset);
            byte[] payload = new byte[8];
            for (int i = 0; i < 100_000; i++)
            {
                Assert.True(producer.TryWriteFrame(Header(i, payload.Length), payload, out _));
                Assert.Equal(ReceiveStatus.Frame, consumer.TryReceive(NoOwner.Instance, out InboundFrame frame, out _, out _));
                Assert.Equal(i, frame.Header.Sequence);
                consumer.Release(NoOwner.Token(frame), out _);
                Assert.True((*head & (capacity - 1)) <= SharedMemoryTuning.HotWindowBytes + 128, $"frame {i} left the hot window");
            }
            Assert.True(*head > capacity);
        }
        finally
        {
            NativeMemory.AlignedFree(segment);
        }
    }

    [Fact]
    public void LargeFramesReuseTheStartOfTheRingOnceItIsFree()
    {
        const long capacity = 16 << 20;
        nuint bytes = (nuint)SegmentLayout.PairSegmentBytes(capacity);
        byte* segment = (byte*)NativeMemory.AlignedAlloc(bytes, 4096);
        try
        {
            var producer = new RingProducer(segment, direction: 0, capacity);
            var consumer = new RingConsumer(segment, direction: 0, capacity);
            long* head = (long*)(segment + SegmentLayout.ControlOffset(0) + SegmentLayout.HeadOffset);
            NativeMemory.Clear(segment, SegmentLayout.PairHeaderBytes);
            byte[] payload = new byte[1 << 20];
            InboundFrame? held = null;
            long furthest = 0;
            // The consumer stays one frame behind, as a receiver reducing frame k while k+1 arrives.
            for (int i = 0; i < 200; i++)
            {
                payload[0] = (byte)i;
                Assert.True(producer.TryWriteFrame(Header(i, payload.Length), payload, out _));
                // One full-suite run (of six that session) saw Malformed here, never reproduced alone: say which check and where.
                ReceiveStatus status = consumer.TryReceive(NoOwner.Instance, out InboundFrame frame, out string? problem, out _);
                Assert.True(status == ReceiveStatus.Frame,
                    $"frame {i}: {status} ({problem}); head {*head}, furthest offset {furthest}, ring {capacity} bytes");
                Assert.Equal((byte)i, frame.Payload.Span[0]);
                if (held is { } previous)
                {
                    consumer.Release(NoOwner.Token(previous), out _);
                }
                held = frame;
                furthest = Math.Max(furthest, *head & (capacity - 1));
            }
            Assert.True(furthest <= 3 * RingGeometry.RecordBytes(payload.Length), $"the ring was used up to offset {furthest}");
        }
        finally
        {
            NativeMemory.AlignedFree(segment);
        }
    }

    [Fact]
    public void AFullRingRefusesAWriteUntilTheHeldFramesAreReleased()
    {
        byte[] payload = new byte[8000];
        var held = new List<InboundFrame>();
        int written = 0;
        while (_producer.TryWriteFrame(Header(written, payload.Length), payload, out _))
        {
            written++;
            Assert.Equal(ReceiveStatus.Frame, _consumer.TryReceive(NoOwner.Instance, out InboundFrame frame, out _, out _));
            held.Add(frame);
        }
        Assert.Equal(Capacity / RingGeometry.RecordBytes(payload.Length), written);
        // Releasing a younger frame frees nothing; releasing the oldest frees both.
        _consumer.Release(NoOwner.Token(held[1]), out _);
        Assert.False(_producer.TryWriteFrame(Header(99, payload.Length), payload, out _));
        _consumer.Release(NoOwner.Token(held[0]), out _);
        Assert.True(_producer.TryWriteFrame(Header(99, payload.Length), payload, out _));
    }

    [Fact]
    public void AStreamedFrameArrivesWholeThroughARingSmallerThanItself()
    {
        byte[] payload = new byte[(int)(3.5 * Capacity)];
        new Random(9).NextBytes(payload);
        Assert.True(_producer.TryBeginStream(Header(1, payload.Length), out _));
        long streamed = 0;
        InboundFrame frame = default;
        ReceiveStatus status = ReceiveStatus.Empty;
        for (int turns = 0; status != ReceiveStatus.Frame; turns++)
        {
            Assert.True(turns < 100);
            _producer.ContinueStream(payload, ref streamed, out _);
            status = _consumer.TryReceive(NoOwner.Instance, out frame, out _, out _);
            Assert.True(_consumer.TryPeekHeader(out FrameHeader peeked) || status == ReceiveStatus.Frame);
            Assert.True(status == ReceiveStatus.Frame || peeked.Sequence == 1);
        }
        Assert.True(frame.Payload.Span.SequenceEqual(payload));
        Assert.Equal(Head, Tail);
        // The ring carries on with ordinary frames afterwards.
        Assert.True(_producer.TryWriteFrame(Header(2, 3), new byte[] { 1, 2, 3 }, out _));
        Assert.Equal(ReceiveStatus.Frame, _consumer.TryReceive(NoOwner.Instance, out frame, out _, out _));
        Assert.Equal(2, frame.Header.Sequence);
    }

    [Fact]
    public void PeekDoesNotConsume()
    {
        Assert.False(_consumer.TryPeekHeader(out _));
        Assert.True(_producer.TryWriteFrame(Header(7, 1), new byte[] { 42 }, out _));
        Assert.True(_consumer.TryPeekHeader(out FrameHeader peeked));
        Assert.Equal(7, peeked.Sequence);
        Assert.Equal(ReceiveStatus.Frame, _consumer.TryReceive(NoOwner.Instance, out InboundFrame frame, out _, out _));
        Assert.Equal(42, frame.Payload.Span[0]);
    }

    [Fact]
    public void GarbageInTheRingIsReportedNotRead()
    {
        new Span<byte>(_segment + SegmentLayout.RingOffset(0, Capacity), 64).Fill(0xEE);
        PublishHead(64);
        Assert.Equal(ReceiveStatus.Malformed, _consumer.TryReceive(NoOwner.Instance, out _, out string? problem, out _));
        Assert.Contains("malformed frame header", problem);
    }

    [Fact]
    public void AFrameLongerThanWhatWasPublishedIsReported()
    {
        Header(1, 1000).Write(new Span<byte>(_segment + SegmentLayout.RingOffset(0, Capacity), FrameHeader.Size));
        PublishHead(128);
        Assert.Equal(ReceiveStatus.Malformed, _consumer.TryReceive(NoOwner.Instance, out _, out string? problem, out _));
        Assert.Contains("runs past", problem);
    }

    [Fact]
    public void TooManyHeldFramesAreRefused()
    {
        for (int i = 0; i <= SharedMemoryTuning.MaxOutstandingLends; i++)
        {
            Assert.True(_producer.TryWriteFrame(Header(i, 0), ReadOnlySpan<byte>.Empty, out _));
        }
        for (int i = 0; i < SharedMemoryTuning.MaxOutstandingLends; i++)
        {
            Assert.Equal(ReceiveStatus.Frame, _consumer.TryReceive(NoOwner.Instance, out _, out _, out _));
        }
        Assert.Equal(ReceiveStatus.TooManyLends, _consumer.TryReceive(NoOwner.Instance, out _, out _, out _));
    }

    private void PublishHead(long position) =>
        Volatile.Write(ref *(long*)(_segment + SegmentLayout.ControlOffset(0) + SegmentLayout.HeadOffset), position);

    /// <summary>Lets tests read the lend token back out of a frame (the owner is only called on dispose).</summary>
    private sealed class NoOwner : IInboundFrameOwner
    {
        public static readonly NoOwner Instance = new();

        [ThreadStatic]
        private static short _last;

        public static short Token(InboundFrame frame)
        {
            frame.Dispose();
            return _last;
        }

        public void Release(short token) => _last = token;
    }
}
