using Collectives.Kernels;
using Collectives.Transport;
using Collectives.Wire;

namespace Collectives.Tests.Transport;

/// <summary>
/// The contract of <see cref="IPeerLink"/>, written once and run against every transport: each
/// transport's test class derives from this and says how to make a connected pair.
/// </summary>
public abstract class LinkConformanceTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    /// <summary>Two connected ends of one link.</summary>
    protected abstract Task<(IPeerLink A, IPeerLink B)> CreatePairAsync();

    protected static FrameHeader Header(long sequence, int length, int sender = 0) =>
        new(FrameKind.Data, 99, 0, sender, sequence,
            new OperationFingerprint(CollectiveKind.Send, DataType.UInt8, ReduceOp.Sum, Algorithm.Direct, 0, length), 0, length);

    [Fact]
    public async Task DeliversFramesInOrderWithHeaderAndPayloadIntact()
    {
        (IPeerLink a, IPeerLink b) = await CreatePairAsync();
        var random = new Random(1);
        byte[][] payloads = Enumerable.Range(0, 50).Select(i =>
        {
            byte[] p = new byte[random.Next(0, 5000)];
            random.NextBytes(p);
            return p;
        }).ToArray();
        Task sender = Task.Run(async () =>
        {
            for (int i = 0; i < payloads.Length; i++)
            {
                await a.SendAsync(Header(i, payloads[i].Length), payloads[i]);
            }
        });
        for (int i = 0; i < payloads.Length; i++)
        {
            using InboundFrame frame = await b.ReceiveAsync().AsTask().WaitAsync(Guard);
            Assert.Equal(Header(i, payloads[i].Length), frame.Header);
            Assert.True(frame.Payload.Span.SequenceEqual(payloads[i]), $"payload {i} differs");
        }
        await sender.WaitAsync(Guard);
    }

    [Fact]
    public async Task CarriesBothDirectionsAtOnce()
    {
        (IPeerLink a, IPeerLink b) = await CreatePairAsync();
        byte[] fromA = Enumerable.Range(0, 1 << 20).Select(i => (byte)i).ToArray();
        byte[] fromB = Enumerable.Range(0, 1 << 20).Select(i => (byte)(i * 7)).ToArray();
        async Task<byte[]> Exchange(IPeerLink self, byte[] mine)
        {
            ValueTask send = self.SendAsync(Header(1, mine.Length), mine);
            using InboundFrame frame = await self.ReceiveAsync();
            byte[] received = frame.Payload.ToArray();
            frame.Dispose();
            await send;
            return received;
        }
        byte[][] results = await Task.WhenAll(Task.Run(() => Exchange(a, fromA)), Task.Run(() => Exchange(b, fromB))).WaitAsync(Guard);
        Assert.Equal(fromB, results[0]);
        Assert.Equal(fromA, results[1]);
    }

    [Fact]
    public async Task CarriesTheLargestFrameEveryTransportMust()
    {
        (IPeerLink a, IPeerLink b) = await CreatePairAsync();
        byte[] big = new byte[TransportLimits.MaxFramePayload];
        new Random(3).NextBytes(big);
        Task sender = Task.Run(async () =>
        {
            for (int i = 0; i < 4; i++)
            {
                await a.SendAsync(Header(i, big.Length), big);
            }
        });
        for (int i = 0; i < 4; i++)
        {
            using InboundFrame frame = await b.ReceiveAsync().AsTask().WaitAsync(Guard);
            Assert.Equal(i, frame.Header.Sequence);
            Assert.True(frame.Payload.Span.SequenceEqual(big), $"large frame {i} differs");
        }
        await sender.WaitAsync(Guard);
    }

    [Fact]
    public async Task ManyFramesInFlightWithASlowReceiver()
    {
        (IPeerLink a, IPeerLink b) = await CreatePairAsync();
        const int frames = 2000;
        Task sender = Task.Run(async () =>
        {
            byte[] payload = new byte[300];
            for (int i = 0; i < frames; i++)
            {
                payload.AsSpan().Fill((byte)i);
                await a.SendAsync(Header(i, payload.Length - (i % 7)), payload.AsMemory(0, payload.Length - (i % 7)));
            }
        });
        for (int i = 0; i < frames; i++)
        {
            if (i % 500 == 0)
            {
                await Task.Delay(20); // let the sender run ahead and fill whatever buffering the transport has
            }
            using InboundFrame frame = await b.ReceiveAsync().AsTask().WaitAsync(Guard);
            Assert.Equal(i, frame.Header.Sequence);
            Assert.Equal(300 - (i % 7), frame.Payload.Length);
            Assert.True(frame.Payload.Span.IndexOfAnyExcept((byte)i) < 0, $"frame {i} payload corrupted");
        }
        await sender.WaitAsync(Guard);
    }

    [Fact]
    public async Task PeekShowsAnArrivedFrameWithoutConsumingIt()
    {
        (IPeerLink a, IPeerLink b) = await CreatePairAsync();
        Assert.False(b.TryPeekHeader(out _));
        Task send = a.SendAsync(Header(17, 8), new byte[8]).AsTask();
        FrameHeader peeked = default;
        for (int i = 0; i < 3000 && !b.TryPeekHeader(out peeked); i++)
        {
            await Task.Delay(1);
        }
        Assert.Equal(17, peeked.Sequence);
        using (InboundFrame frame = await b.ReceiveAsync().AsTask().WaitAsync(Guard))
        {
            Assert.Equal(17, frame.Header.Sequence);
        }
        await send.WaitAsync(Guard);
    }

    [Fact]
    public async Task EmptyFramesArriveToo()
    {
        (IPeerLink a, IPeerLink b) = await CreatePairAsync();
        ValueTask send = a.SendAsync(Header(3, 0), ReadOnlyMemory<byte>.Empty);
        using (InboundFrame frame = await b.ReceiveAsync().AsTask().WaitAsync(Guard))
        {
            Assert.Equal(0, frame.Payload.Length);
            Assert.Equal(3, frame.Header.Sequence);
        }
        await send.AsTask().WaitAsync(Guard);
    }

    [Fact]
    public async Task AbortFailsPendingOperationsAtBothEndsWithTheReason()
    {
        (IPeerLink a, IPeerLink b) = await CreatePairAsync();
        Task<InboundFrame> pendingAtA = a.ReceiveAsync().AsTask();
        Task<InboundFrame> pendingAtB = b.ReceiveAsync().AsTask();
        var reason = new AbortReason(AbortCode.Mismatch, 4, "rank 4 saw a different call");
        a.Abort(reason);
        LinkAbortedException local = await Assert.ThrowsAsync<LinkAbortedException>(() => pendingAtA.WaitAsync(Guard));
        LinkAbortedException remote = await Assert.ThrowsAsync<LinkAbortedException>(() => pendingAtB.WaitAsync(Guard));
        Assert.Same(reason, local.Reason);
        Assert.Equal(reason, remote.Reason); // over a wire the peer decodes its own copy
        Assert.False(local.RaisedByPeer);
        Assert.True(remote.RaisedByPeer);
        // Later operations fail at once, and the first reason wins over later ones.
        b.Abort(new AbortReason(AbortCode.Closed, 5, "later"));
        LinkAbortedException later = await Assert.ThrowsAsync<LinkAbortedException>(
            () => b.SendAsync(Header(0, 0), ReadOnlyMemory<byte>.Empty).AsTask().WaitAsync(Guard));
        Assert.Equal(reason, later.Reason);
    }

    [Fact]
    public async Task AbortFailsASenderWhosePeerNeverReceives()
    {
        (IPeerLink a, IPeerLink b) = await CreatePairAsync();
        // Large enough that no transport can complete it without the receiver.
        byte[] big = new byte[64 << 20];
        Task send = a.SendAsync(Header(0, big.Length), big).AsTask();
        await Task.Delay(50);
        b.Abort(new AbortReason(AbortCode.Closed, 1, "rank 1 closed"));
        LinkAbortedException error = await Assert.ThrowsAsync<LinkAbortedException>(() => send.WaitAsync(Guard));
        Assert.True(error.RaisedByPeer);
        Assert.Equal(AbortCode.Closed, error.Reason.Code);
    }

    [Fact]
    public async Task CancellingAReceiveTearsTheLinkDown()
    {
        (IPeerLink a, IPeerLink b) = await CreatePairAsync();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        await Assert.ThrowsAnyAsync<Exception>(() => b.ReceiveAsync(cancel.Token).AsTask().WaitAsync(Guard));
        LinkAbortedException error = await Assert.ThrowsAsync<LinkAbortedException>(
            () => a.SendAsync(Header(0, 1), new byte[1]).AsTask().WaitAsync(Guard));
        Assert.Equal(AbortCode.Cancelled, error.Reason.Code);
    }

    [Fact]
    public async Task DisposingAnEndFailsThePeer()
    {
        (IPeerLink a, IPeerLink b) = await CreatePairAsync();
        Task<InboundFrame> pending = b.ReceiveAsync().AsTask();
        await a.DisposeAsync();
        LinkAbortedException error = await Assert.ThrowsAsync<LinkAbortedException>(() => pending.WaitAsync(Guard));
        Assert.Equal(AbortCode.Closed, error.Reason.Code);
        Assert.True(error.RaisedByPeer);
    }

    [Fact]
    public async Task RejectsAPayloadThatDisagreesWithItsHeader()
    {
        (IPeerLink a, _) = await CreatePairAsync();
        await Assert.ThrowsAsync<ArgumentException>(() => a.SendAsync(Header(0, 10), new byte[9]).AsTask());
    }

    [Fact]
    public async Task RemoteWritesLandAndSignalCompletion()
    {
        (IPeerLink a, IPeerLink b) = await CreatePairAsync();
        if (a is not IRemoteMemoryAccess writer || b is not IRemoteMemoryAccess target)
        {
            return; // The feature is optional; transports without it have nothing to check here.
        }
        byte[] region = new byte[1024];
        using RemoteRegionExposure exposure = target.Expose(region);
        byte[] data = Enumerable.Range(1, 100).Select(i => (byte)i).ToArray();
        await writer.WriteAsync(exposure.Descriptor, 200, data, completionData: 0xABCD);
        Assert.Equal(0xABCDUL, await target.ReceiveWriteCompletionAsync().AsTask().WaitAsync(Guard));
        Assert.Equal(data, region.AsSpan(200, 100).ToArray());
        Assert.All(region.AsSpan(0, 200).ToArray(), x => Assert.Equal(0, x));
        Assert.All(region.AsSpan(300).ToArray(), x => Assert.Equal(0, x));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => writer.WriteAsync(exposure.Descriptor, 1000, data, 1).AsTask());
        exposure.Dispose();
        await Assert.ThrowsAsync<ArgumentException>(() => writer.WriteAsync(exposure.Descriptor, 0, data, 1).AsTask());
    }
}
