using System.Runtime.InteropServices;
using Collectives.Algorithms;
using Collectives.Buffers;
using Collectives.Kernels;
using Collectives.Transport;
using Collectives.Transport.Rdma;
using Collectives.Wire;

namespace Collectives.Tests.Transport.Rdma;

/// <summary>
/// Placed frames: a window the receiver offers over its own memory, the sender's writes straight
/// into it, the receive lending those very bytes, and what happens to a window whose call fails.
/// </summary>
public sealed class RdmaPlacementTests : IAsyncDisposable
{
    private const long CallSequence = 5;
    private const int WindowOffset = 1 << 20;
    private const int FrameBytes = 64 << 10;

    private readonly List<RdmaTestJob> _jobs = [];

    private static FrameHeader Header(long sequence, long offset, int length, CollectiveKind kind = CollectiveKind.AllReduce) =>
        new(FrameKind.Data, 99, 0, 0, sequence, new OperationFingerprint(kind, DataType.UInt8, ReduceOp.Sum, Algorithm.Ring, 0, 1 << 20),
            offset, length);

    private async Task<(RdmaPeerLink A, RdmaPeerLink B)> PairAsync(string provider)
    {
        RdmaTestJob job = await RdmaTestJob.StartAsync(new RdmaTransportOptions { Provider = provider });
        _jobs.Add(job);
        (IPeerLink a, IPeerLink b) = await job.ConnectAsync(0, 1);
        return ((RdmaPeerLink)a, (RdmaPeerLink)b);
    }

    /// <summary>Offers <paramref name="region"/> on <paramref name="receiver"/> and waits until <paramref name="sender"/> knows it.</summary>
    private static async Task<PlacementWindow> OfferAndWaitAsync(RdmaPeerLink receiver, RdmaPeerLink sender, Memory<byte> region, long sequence)
    {
        PlacementWindow window = receiver.OfferPlacement(0, sequence, WindowOffset, region)
            ?? throw new Xunit.Sdk.XunitException("the link refused a window it should take");
        var deadline = DateTime.UtcNow + RdmaTestJob.Guard;
        while (!sender.KnowsPeerWindow(sequence))
        {
            Assert.True(DateTime.UtcNow < deadline, "the window's announcement never reached the sender");
            await Task.Delay(1);
        }
        return window;
    }

    /// <summary>Sends one frame from <paramref name="a"/> and takes it at <paramref name="b"/>: where in <paramref name="window"/> its payload was lent from (-1: elsewhere), and whether it holds the sender's bytes.</summary>
    private static async Task<(int WindowOffset, bool Intact)> SendOneAsync(RdmaPeerLink a, RdmaPeerLink b, FrameHeader header, byte[] window, int seed)
    {
        byte[] payload = Pattern(header.PayloadLength, seed);
        Task send = a.SendAsync(header, payload).AsTask();
        using InboundFrame frame = await b.ReceiveAsync().AsTask().WaitAsync(RdmaTestJob.Guard);
        await send.WaitAsync(RdmaTestJob.Guard);
        ReadOnlySpan<byte> received = frame.Payload.Span;
        return (window.AsSpan().Overlaps(received, out int offset) ? offset : -1, received.SequenceEqual(payload));
    }

    [Theory]
    [InlineData(RdmaProviders.Tcp)]
    [InlineData(RdmaProviders.Shm)]
    public async Task FramesOfTheOfferedCallInsideTheWindowLandInTheReceiversMemory(string provider)
    {
        (RdmaPeerLink a, RdmaPeerLink b) = await PairAsync(provider);
        byte[] output = new byte[4 * FrameBytes];
        PlacementWindow window = await OfferAndWaitAsync(b, a, output, CallSequence);
        for (int k = 0; k < 4; k++)
        {
            // The payload is the window's own memory at the frame's place, holding the sender's bytes.
            (int windowOffset, bool intact) = await SendOneAsync(a, b, Header(CallSequence, WindowOffset + (k * FrameBytes), FrameBytes), output, k);
            Assert.True(windowOffset == k * FrameBytes, $"frame {k} was lent from window offset {windowOffset}");
            Assert.True(intact, $"frame {k} differs");
            Assert.True(output.AsSpan(k * FrameBytes, FrameBytes).SequenceEqual(Pattern(FrameBytes, k)), $"the window does not hold frame {k}");
        }
        Assert.Equal(4, b.PlacedFramesTaken);
        RegistrationMap map = ((RdmaTransport)_jobs[0].Transports[1]).Endpoint!.Registrations;
        unsafe
        {
            fixed (byte* placed = &output[FrameBytes])
            {
                // Forwarding a placed block needs no staging copy on providers that send only from registered memory.
                Assert.NotNull(map.Find(placed, FrameBytes));
                int abandoned = AbandonedPlacements.Count;
                window.Close(callCompleted: true);
                Assert.Equal(abandoned, AbandonedPlacements.Count);
                Assert.Null(map.Find(placed, FrameBytes));
            }
        }
    }

    [Theory]
    [InlineData(RdmaProviders.Tcp)]
    [InlineData(RdmaProviders.Shm)]
    public async Task FramesOfOtherCallsOutsideTheWindowOrPointToPointTakeTheRing(string provider)
    {
        (RdmaPeerLink a, RdmaPeerLink b) = await PairAsync(provider);
        byte[] output = new byte[4 * FrameBytes];
        PlacementWindow window = await OfferAndWaitAsync(b, a, output, CallSequence);
        FrameHeader[] elsewhere =
        [
            Header(CallSequence + 1, WindowOffset, FrameBytes), // a later call
            Header(CallSequence, WindowOffset - FrameBytes, FrameBytes), // before the window
            Header(CallSequence, WindowOffset + (3 * FrameBytes) + 1, FrameBytes), // runs past its end
            Header(CallSequence, WindowOffset, FrameBytes, CollectiveKind.Send), // point-to-point
            Header(CallSequence, WindowOffset, 100), // inline
        ];
        for (int i = 0; i < elsewhere.Length; i++)
        {
            (int windowOffset, bool intact) = await SendOneAsync(a, b, elsewhere[i], output, i);
            Assert.True(windowOffset < 0, $"case {i} was placed");
            Assert.True(intact, $"case {i} differs");
        }
        Assert.True(output.AsSpan().IndexOfAnyExcept((byte)0) < 0, "a frame that was not placed wrote into the window");
        Assert.Equal(0, b.PlacedFramesTaken);
        window.Close(callCompleted: true);
    }

    [Theory]
    [InlineData(RdmaProviders.Tcp)]
    [InlineData(RdmaProviders.Shm)]
    public async Task AWindowOfACallThatFailedStaysPinnedAndOneNeverAnnouncedDoesNot(string provider)
    {
        (RdmaPeerLink a, RdmaPeerLink b) = await PairAsync(provider);
        Assert.Null(b.OfferPlacement(0, CallSequence, WindowOffset, new byte[RdmaTuning.MinPlacementBytes - 1])); // too small to be worth it
        PlacementWindow window = await OfferAndWaitAsync(b, a, new byte[4 * FrameBytes], CallSequence);
        Assert.Null(b.OfferPlacement(0, CallSequence + 1, WindowOffset, new byte[4 * FrameBytes])); // one window at a time
        int abandoned = AbandonedPlacements.Count;
        b.Abort(new AbortReason(AbortCode.Failed, 1, "the call failed (test)"));
        window.Close(callCompleted: false);
        Assert.Equal(abandoned + 1, AbandonedPlacements.Count);
        Assert.Null(b.OfferPlacement(0, CallSequence + 1, WindowOffset, new byte[4 * FrameBytes])); // an aborted link offers none
        await Assert.ThrowsAsync<LinkAbortedException>(() => a.ReceiveAsync().AsTask().WaitAsync(RdmaTestJob.Guard));
    }

    /// <summary>
    /// Over shm. Over tcp;ofi_rxm the receiver's provider refuses the write for its withdrawn key
    /// and drops the connection without a completion at either end, so only the communicator's
    /// deadline reports it (naming the rank it waited for).
    /// </summary>
    [Fact]
    public async Task APlacedWriteIntoAWindowTheReceiverClosedFailsTheLink()
    {
        (RdmaPeerLink a, RdmaPeerLink b) = await PairAsync(RdmaProviders.Shm);
        byte[] output = new byte[4 * FrameBytes];
        PlacementWindow window = await OfferAndWaitAsync(b, a, output, CallSequence);
        // A peer that sends more frames of the call than the receiver took (a bug the header check
        // would name) finds the window withdrawn: the link fails instead of handing out the frame.
        window.Close(callCompleted: true);
        Task send = a.SendAsync(Header(CallSequence, WindowOffset, FrameBytes), Pattern(FrameBytes, 1)).AsTask();
        LinkAbortedException error = await Assert.ThrowsAsync<LinkAbortedException>(() => b.ReceiveAsync().AsTask().WaitAsync(RdmaTestJob.Guard));
        Assert.Contains("outside any window", error.Message);
        try
        {
            await send.WaitAsync(RdmaTestJob.Guard); // its write may be refused, or complete before the abort arrives
        }
        catch (LinkAbortedException)
        {
        }
    }

    /// <param name="staging">Sends only from registered memory, as verbs and efa demand: forwarded blocks come from the window's registration.</param>
    [Theory]
    [InlineData(RdmaProviders.Tcp, 2, false)]
    [InlineData(RdmaProviders.Tcp, 3, false)]
    [InlineData(RdmaProviders.Shm, 3, false)]
    [InlineData(RdmaProviders.Tcp, 3, true)]
    public async Task RingAllReducePlacesItsAllGatherAndGivesTheExactSumInAndOutOfPlace(string provider, int ranks, bool staging)
    {
        RdmaTestJob job = await RdmaTestJob.StartAsync(new RdmaTransportOptions { Provider = provider, CopySendsThroughStaging = staging }, endpoints: ranks);
        _jobs.Add(job);
        IPeerLink?[][] links = await ConnectAllAsync(job, ranks);
        const int count = 300_001; // uneven segments, several chunks each
        const int rounds = 4;
        await Task.WhenAll(Enumerable.Range(0, ranks).Select(rank => Task.Run(async () =>
        {
            var context = new CollectiveContext(rank, ranks, links[rank], 9, 0, new ScratchArena(), chunkBytes: 128 << 10,
                fail: _ => Array.ForEach(links[rank], l => l?.Abort(new AbortReason(AbortCode.Failed, rank, "test rank failed"))));
            for (int round = 0; round < rounds; round++)
            {
                byte[] input = MemoryMarshal.AsBytes(Enumerable.Range(0, count).Select(i => (rank * 7) + i + round).ToArray().AsSpan()).ToArray();
                bool inPlace = round % 2 == 1;
                byte[] output = inPlace ? input : new byte[input.Length];
                var call = new CollectiveCall(CollectiveKind.AllReduce, DataType.Int32, ReduceOp.Sum, Algorithm.Ring, 0, count, input, output);
                context.Begin(call.Fingerprint, round + 1);
                await AlgorithmRunner.RunAsync(context, call);
                ReadOnlySpan<int> result = MemoryMarshal.Cast<byte, int>(output);
                for (int i = 0; i < count; i++)
                {
                    int expected = (7 * ranks * (ranks - 1) / 2) + (ranks * (i + round));
                    Assert.True(expected == result[i], $"rank {rank} round {round} element {i}: {result[i]}, expected {expected}");
                }
            }
        }))).WaitAsync(TimeSpan.FromMinutes(2));
        for (int rank = 0; rank < ranks; rank++)
        {
            // Each rank's all-gather receives (ranks - 1) segments of about 1.2 MB / ranks, in 128 KiB chunks, from its left.
            var left = (RdmaPeerLink)links[rank][(rank + ranks - 1) % ranks]!;
            Assert.True(left.PlacedFramesTaken >= rounds * (ranks - 1), $"rank {rank} took {left.PlacedFramesTaken} placed frames");
        }
    }

    /// <summary>
    /// Many calls, more ranks than cores: ring all-reduces and all-gathers in turn, sizes on both
    /// sides of the smallest window and of the inline limit, so windows open and close every call,
    /// some frames are placed and some take the ring, and announcements race the first frames.
    /// </summary>
    [Theory]
    [InlineData(RdmaProviders.Tcp)]
    [InlineData(RdmaProviders.Shm)]
    public async Task FourRanksOnTwoCoresMixingPlacedAndRingFramesStayExactOverManyCalls(string provider)
    {
        const int ranks = 4;
        const int calls = 24;
        RdmaTestJob job = await RdmaTestJob.StartAsync(new RdmaTransportOptions { Provider = provider }, endpoints: ranks);
        _jobs.Add(job);
        IPeerLink?[][] links = await ConnectAllAsync(job, ranks);
        var random = new Random(17);
        int[] counts = [.. Enumerable.Range(0, calls).Select(_ => random.Next(4) switch
        {
            0 => random.Next(1, 2_000), // below the inline limit per block: no window
            1 => random.Next(2_000, 12_000), // around the smallest window
            _ => random.Next(12_000, 200_000), // windows with several chunks per block
        })];
        await Task.WhenAll(Enumerable.Range(0, ranks).Select(rank => Task.Run(async () =>
        {
            var context = new CollectiveContext(rank, ranks, links[rank], 9, 0, new ScratchArena(), chunkBytes: 32 << 10,
                fail: _ => Array.ForEach(links[rank], l => l?.Abort(new AbortReason(AbortCode.Failed, rank, "test rank failed"))));
            for (int call = 0; call < calls; call++)
            {
                int count = counts[call];
                bool gather = call % 2 == 1;
                int[] mine = [.. Enumerable.Range(0, count).Select(i => (rank * 1_000_003) + i + call)];
                byte[] input = MemoryMarshal.AsBytes(mine.AsSpan()).ToArray();
                byte[] output = new byte[gather ? input.Length * ranks : input.Length];
                var collective = new CollectiveCall(gather ? CollectiveKind.AllGather : CollectiveKind.AllReduce, DataType.Int32, ReduceOp.Sum,
                    Algorithm.Ring, 0, count, input, output);
                context.Begin(collective.Fingerprint, call + 1);
                await AlgorithmRunner.RunAsync(context, collective);
                ReadOnlySpan<int> result = MemoryMarshal.Cast<byte, int>(output);
                for (int k = 0; k < result.Length; k++)
                {
                    int i = gather ? k % count : k;
                    int expected = gather ? ((k / count) * 1_000_003) + i + call : (1_000_003 * ranks * (ranks - 1) / 2) + (ranks * (i + call));
                    Assert.True(expected == result[k], $"rank {rank} call {call} ({collective.Fingerprint}) element {k}: {result[k]}, expected {expected}");
                }
            }
        }))).WaitAsync(TimeSpan.FromMinutes(3));
        long placed = Enumerable.Range(0, ranks).Sum(rank => ((RdmaPeerLink)links[rank][(rank + ranks - 1) % ranks]!).PlacedFramesTaken);
        Assert.True(placed > 0, "no frame was placed");
    }

    private static async Task<IPeerLink?[][]> ConnectAllAsync(RdmaTestJob job, int ranks)
    {
        var links = new IPeerLink?[ranks][];
        for (int r = 0; r < ranks; r++)
        {
            links[r] = new IPeerLink?[ranks];
        }
        for (int r = 0; r < ranks; r++)
        {
            for (int p = r + 1; p < ranks; p++)
            {
                (links[r][p], links[p][r]) = await job.ConnectAsync(r, p, communicatorId: 9);
            }
        }
        return links;
    }

    private static byte[] Pattern(int length, int seed)
    {
        byte[] data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (RdmaTestJob job in _jobs)
        {
            await job.DisposeAsync();
        }
    }
}
