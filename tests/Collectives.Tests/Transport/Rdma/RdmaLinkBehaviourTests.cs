using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Collectives.Kernels;
using Collectives.Transport;
using Collectives.Transport.Rdma;
using Collectives.Wire;

namespace Collectives.Tests.Transport.Rdma;

/// <summary>What the rdma link promises beyond the common contract: frames that outlive their sender, rendezvous, registration reuse.</summary>
public sealed class RdmaLinkBehaviourTests : IAsyncDisposable
{
    private readonly List<RdmaTestJob> _jobs = [];

    private static FrameHeader Header(long sequence, int length) =>
        new(FrameKind.Data, 99, 0, 0, sequence, new OperationFingerprint(CollectiveKind.Send, DataType.UInt8, ReduceOp.Sum, Algorithm.Direct, 0, length), 0, length);

    private async Task<(IPeerLink A, IPeerLink B, RdmaTestJob Job)> PairAsync(string provider = RdmaProviders.Tcp)
    {
        RdmaTestJob job = await RdmaTestJob.StartAsync(new RdmaTransportOptions { Provider = provider });
        _jobs.Add(job);
        (IPeerLink a, IPeerLink b) = await job.ConnectAsync(0, 1);
        return (a, b, job);
    }

    [Theory]
    [InlineData(RdmaProviders.Tcp)]
    [InlineData(RdmaProviders.Shm)]
    public async Task FramesSentBeforeTheSenderClosesStillArrive(string provider)
    {
        (IPeerLink a, IPeerLink b, _) = await PairAsync(provider);
        // An inline frame and a ring frame, both complete at the sender before the receiver looks;
        // the sender closes at once, and its close must not overtake them.
        int[] sizes = [100, 1 << 20];
        for (int i = 0; i < sizes.Length; i++)
        {
            await a.SendAsync(Header(i, sizes[i]), Pattern(sizes[i], i)).AsTask().WaitAsync(RdmaTestJob.Guard);
        }
        await a.DisposeAsync();
        for (int i = 0; i < sizes.Length; i++)
        {
            using InboundFrame frame = await b.ReceiveAsync().AsTask().WaitAsync(RdmaTestJob.Guard);
            Assert.Equal(i, frame.Header.Sequence);
            Assert.True(frame.Payload.Span.SequenceEqual(Pattern(sizes[i], i)), $"frame {i} differs");
        }
        LinkAbortedException closed = await Assert.ThrowsAsync<LinkAbortedException>(() => b.ReceiveAsync().AsTask().WaitAsync(RdmaTestJob.Guard));
        Assert.Equal(AbortCode.Closed, closed.Reason.Code);
        Assert.True(closed.RaisedByPeer);
    }

    [Theory]
    [InlineData(RdmaProviders.Tcp)]
    [InlineData(RdmaProviders.Shm)]
    public async Task AnEndpointCarriesMoreLinksThanOneBlockOfOperationSlots(string provider)
    {
        // Every link keeps its message and control receives posted: 72 links between two endpoints
        // (a 73-rank all-to-all's worth from one rank) post more receives than the shim's first
        // block of operation slots holds, so the pool must grow instead of failing the posts.
        RdmaTestJob job = await RdmaTestJob.StartAsync(new RdmaTransportOptions { Provider = provider });
        _jobs.Add(job);
        const int Links = 72;
        var pairs = new List<(IPeerLink A, IPeerLink B)>(Links);
        for (int i = 0; i < Links; i++)
        {
            pairs.Add(await job.ConnectAsync(0, 1, communicatorId: 1000 + (ulong)i));
        }
        for (int i = 0; i < Links; i++)
        {
            int size = i % 2 == 0 ? 100 : 64 << 10;
            Task send = pairs[i].A.SendAsync(Header(i, size), Pattern(size, i)).AsTask();
            using InboundFrame frame = await pairs[i].B.ReceiveAsync().AsTask().WaitAsync(RdmaTestJob.Guard);
            await send.WaitAsync(RdmaTestJob.Guard);
            Assert.True(frame.Payload.Span.SequenceEqual(Pattern(size, i)), $"link {i}: the frame differs");
        }
    }

    [Theory]
    [InlineData(RdmaProviders.Tcp)]
    [InlineData(RdmaProviders.Shm)]
    public async Task RingStepsThatAwaitTheirSendLastCompleteEveryRoundWithTheirBytes(string provider)
    {
        // Both ends send and receive at once and await the send after the receive, as a ring step
        // does: the send is then often still in flight, and the caller polls for it before parking.
        (IPeerLink a, IPeerLink b, _) = await PairAsync(provider);
        int[] sizes = [100, 16 << 10, 256 << 10];
        const int Rounds = 60;
        async Task StepsAsync(IPeerLink link, int self)
        {
            for (int round = 0; round < Rounds; round++)
            {
                int size = sizes[round % sizes.Length];
                ValueTask sending = link.SendAsync(Header(round, size), Pattern(size, (self * 1000) + round));
                using (InboundFrame frame = await link.ReceiveAsync())
                {
                    Assert.Equal(round, frame.Header.Sequence);
                    Assert.True(frame.Payload.Span.SequenceEqual(Pattern(size, ((1 - self) * 1000) + round)), $"end {self}, round {round}: the frame differs");
                }
                await sending;
            }
        }
        await Task.WhenAll(Task.Run(() => StepsAsync(a, 0)), Task.Run(() => StepsAsync(b, 1))).WaitAsync(RdmaTestJob.Guard);
    }

    [Theory]
    [InlineData(RdmaProviders.Tcp)]
    [InlineData(RdmaProviders.Shm)]
    public async Task ASendWhoseWriteCompletesWithinTheSpinReturnsCompleted(string provider)
    {
        // The caller polls right after the post, so a write that completes within the spin comes
        // back as a completed send, and its caller's await goes straight on without a thread
        // hop. The spin is the longest allowed: it ends as soon as the write does.
        RdmaTestJob job = await RdmaTestJob.StartAsync(new RdmaTransportOptions { Provider = provider, ReceiveSpin = TimeSpan.FromSeconds(1) });
        _jobs.Add(job);
        (IPeerLink a, IPeerLink b) = await job.ConnectAsync(0, 1);
        int[] sizes = [64 << 10, 1 << 20];
        for (int i = 0; i < sizes.Length; i++)
        {
            ValueTask sending = a.SendAsync(Header(i, sizes[i]), Pattern(sizes[i], i));
            Assert.True(sending.IsCompletedSuccessfully, $"the {sizes[i]}-byte send was still pending when SendAsync returned");
            await sending;
            using InboundFrame frame = await b.ReceiveAsync().AsTask().WaitAsync(RdmaTestJob.Guard);
            Assert.True(frame.Payload.Span.SequenceEqual(Pattern(sizes[i], i)), $"frame {i} differs");
        }
    }

    [Theory]
    [InlineData(RdmaProviders.Tcp)]
    [InlineData(RdmaProviders.Shm)]
    public async Task RingFramesStartOverAtTheRingsBeginningWhileTheReceiverKeepsUp(string provider)
    {
        // The receiver holds one frame while it takes the next, as a ring step reduces one while
        // the next lands. 48 frames of 512 KiB are three laps of the 8 MiB ring; starting over
        // as soon as the ring's first frame is released, they stay within its first quarter plus
        // a frame or two (credits may be a message late). Walking the ring, they would span it all.
        (IPeerLink a, IPeerLink b, _) = await PairAsync(provider);
        const int Size = 512 << 10, Frames = 48;
        long lowest = long.MaxValue, highest = long.MinValue;
        InboundFrame? held = null;
        try
        {
            for (int i = 0; i < Frames; i++)
            {
                await a.SendAsync(Header(i, Size), Pattern(Size, i)).AsTask().WaitAsync(RdmaTestJob.Guard);
                InboundFrame frame = await b.ReceiveAsync().AsTask().WaitAsync(RdmaTestJob.Guard);
                Assert.True(frame.Payload.Span.SequenceEqual(Pattern(Size, i)), $"frame {i} differs");
                long address = AddressOf(frame.Payload.Span);
                lowest = Math.Min(lowest, address);
                highest = Math.Max(highest, address + Size);
                held?.Dispose();
                held = frame;
            }
        }
        finally
        {
            held?.Dispose();
        }
        long span = highest - lowest, bound = RdmaTuning.RingHotWindow(RdmaTuning.DefaultRingBytes) + (3L * Size);
        Assert.True(span <= bound, $"{Frames} frames spread over {span} bytes of the receive ring (at most {bound} expected)");
    }

    private static unsafe long AddressOf(ReadOnlySpan<byte> bytes) =>
        (long)Unsafe.AsPointer(ref MemoryMarshal.GetReference(bytes));

    [Fact]
    public async Task FramesLargerThanHalfTheRingTakeTheRendezvousAndReuseItsRegistration()
    {
        (IPeerLink a, IPeerLink b, RdmaTestJob job) = await PairAsync();
        int size = (int)(RdmaTuning.DefaultRingBytes / 2) + 4096;
        Task sender = Task.Run(async () =>
        {
            for (int i = 0; i < 3; i++)
            {
                await a.SendAsync(Header(i, size), Pattern(size, i));
            }
        });
        int registrations = -1;
        for (int i = 0; i < 3; i++)
        {
            using InboundFrame frame = await b.ReceiveAsync().AsTask().WaitAsync(RdmaTestJob.Guard);
            Assert.True(frame.Payload.Span.SequenceEqual(Pattern(size, i)), $"rendezvous frame {i} differs");
            int now = job.Transports[1].Endpoint!.Registrations.Count;
            Assert.True(registrations < 0 || now == registrations, $"frame {i} registered new memory ({registrations} -> {now} regions)");
            registrations = now;
        }
        await sender.WaitAsync(RdmaTestJob.Guard);
    }

    [Fact]
    public async Task SmallFramesGoingBothWaysCarryTheirCreditsWithoutCreditMessages()
    {
        (IPeerLink a, IPeerLink b, _) = await PairAsync(RdmaProviders.Tcp);
        var (linkA, linkB) = ((RdmaPeerLink)a, (RdmaPeerLink)b);
        long before = linkA.CreditMessagesSent + linkB.CreditMessagesSent;
        const int Rounds = 64; // two windows of slots each way
        for (int i = 0; i < Rounds; i++)
        {
            (IPeerLink from, IPeerLink to) = i % 2 == 0 ? (a, b) : (b, a);
            Task send = from.SendAsync(Header(i, 64), Pattern(64, i)).AsTask();
            using InboundFrame frame = await to.ReceiveAsync().AsTask().WaitAsync(RdmaTestJob.Guard);
            await send.WaitAsync(RdmaTestJob.Guard);
            Assert.True(frame.Payload.Span.SequenceEqual(Pattern(64, i)), $"frame {i} differs");
        }
        // One credit message after every frame, before: 64. Now the frames going back carry them.
        long sent = linkA.CreditMessagesSent + linkB.CreditMessagesSent - before;
        Assert.True(sent < Rounds / 4, $"{sent} credit messages for {Rounds} small frames");
    }

    [Theory]
    [InlineData(RdmaProviders.Tcp)]
    [InlineData(RdmaProviders.Shm)]
    public async Task SmallFramesOneWayNeverStarveTheSenderOfCredits(string provider)
    {
        // Nothing goes back to carry credits: the receiver must send them once a batch is owed.
        (IPeerLink a, IPeerLink b, _) = await PairAsync(provider);
        const int Frames = 10 * RdmaTuning.MessageSlots;
        Task sender = Task.Run(async () =>
        {
            for (int i = 0; i < Frames; i++)
            {
                await a.SendAsync(Header(i, 100), Pattern(100, i));
            }
        });
        for (int i = 0; i < Frames; i++)
        {
            using InboundFrame frame = await b.ReceiveAsync().AsTask().WaitAsync(RdmaTestJob.Guard);
            Assert.True(frame.Payload.Span.SequenceEqual(Pattern(100, i)), $"frame {i} differs");
        }
        await sender.WaitAsync(RdmaTestJob.Guard);
    }

    [Fact]
    public async Task APayloadInsideARegisteredBufferIsFoundByAddress()
    {
        (IPeerLink a, IPeerLink b, RdmaTestJob job) = await PairAsync();
        int size = 256 << 10;
        Task send = a.SendAsync(Header(0, size), Pattern(size, 1)).AsTask();
        using InboundFrame frame = await b.ReceiveAsync().AsTask().WaitAsync(RdmaTestJob.Guard);
        await send.WaitAsync(RdmaTestJob.Guard);
        RegistrationMap map = job.Transports[1].Endpoint!.Registrations;
        unsafe
        {
            using System.Buffers.MemoryHandle lent = frame.Payload.Pin();
            Assert.NotNull(map.Find((byte*)lent.Pointer, size)); // a ring frame: forwarding it needs no copy and no new registration
            Assert.Null(map.Find((byte*)lent.Pointer, long.MaxValue / 2));
            byte[] managed = new byte[16];
            fixed (byte* outside = managed)
            {
                Assert.Null(map.Find(outside, managed.Length));
            }
        }
    }

    [Fact]
    public async Task APeerThatVanishesFailsReceivesNamingTheProviderAndFailsSends()
    {
        (IPeerLink a, IPeerLink b, _) = await PairAsync();
        Task<InboundFrame> pending = b.ReceiveAsync().AsTask();
        ((RdmaPeerLink)a).VanishForTest();
        LinkAbortedException lost = await Assert.ThrowsAsync<LinkAbortedException>(() => pending.WaitAsync(RdmaTestJob.Guard));
        Assert.True(lost.RaisedByPeer);
        Assert.Contains("endpoint 0", lost.Message);
        Assert.Contains("tcp;ofi_rxm", lost.Message);
        Assert.Contains("rank 1", lost.Message);
        await Assert.ThrowsAsync<LinkAbortedException>(() => b.SendAsync(Header(0, 10), new byte[10]).AsTask().WaitAsync(RdmaTestJob.Guard));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (RdmaTestJob job in _jobs)
        {
            await job.DisposeAsync();
        }
    }

    private static byte[] Pattern(int length, int seed)
    {
        byte[] bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
