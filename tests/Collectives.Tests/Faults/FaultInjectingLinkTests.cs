using System.Diagnostics;
using Collectives.Kernels;
using Collectives.Tests.Transport.Tcp;
using Collectives.Transport;
using Collectives.Transport.Faults;
using Collectives.Transport.InProcess;
using Collectives.Wire;

namespace Collectives.Tests.Faults;

/// <summary>The link decorator over real links (in-process and TCP): delays delay, drops fail both ends, corruption stays well-formed.</summary>
public sealed class FaultInjectingLinkTests : IAsyncDisposable
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);
    private readonly List<TcpTestJob> _jobs = [];

    public static TheoryData<string> Transports() => new() { "inprocess", "tcp" };

    private async Task<(IPeerLink A, IPeerLink B)> PairAsync(string transport, FaultSpec spec)
    {
        (IPeerLink a, IPeerLink b) raw;
        if (transport == "tcp")
        {
            TcpTestJob job = await TcpTestJob.StartAsync();
            _jobs.Add(job);
            raw = await job.ConnectAsync(0, 1);
        }
        else
        {
            var fabric = new InProcessFabric();
            raw = (await fabric.ConnectAsync(new LinkKey(99, 0, 1)), await fabric.ConnectAsync(new LinkKey(99, 1, 0)));
        }
        return (FaultInjectingLink.Wrap(raw.a, new LinkKey(99, 0, 1), spec), FaultInjectingLink.Wrap(raw.b, new LinkKey(99, 1, 0), spec));
    }

    private static FrameHeader Header(long sequence, int length) =>
        new(FrameKind.Data, 99, 0, 0, sequence,
            new OperationFingerprint(CollectiveKind.Send, DataType.UInt8, ReduceOp.Sum, Algorithm.Direct, 0, length), 0, length);

    /// <summary>Sends <paramref name="frames"/> frames from a to b while b receives them; returns what b received.</summary>
    private static async Task<List<FrameHeader>> ExchangeAsync(IPeerLink a, IPeerLink b, int frames)
    {
        byte[] payload = [1, 2, 3, 4];
        Task sending = Task.Run(async () =>
        {
            for (int i = 0; i < frames; i++)
            {
                await a.SendAsync(Header(i, payload.Length), payload);
            }
        });
        var received = new List<FrameHeader>();
        for (int i = 0; i < frames; i++)
        {
            using InboundFrame frame = await b.ReceiveAsync().AsTask().WaitAsync(Guard);
            Assert.Equal(payload, frame.Payload.ToArray());
            received.Add(frame.Header);
        }
        await sending.WaitAsync(Guard);
        return received;
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task ADelayDelaysEveryFrameAndDeliversThemIntact(string transport)
    {
        (IPeerLink a, IPeerLink b) = await PairAsync(transport, FaultSpecParser.Parse("seed=1,delay=20ms,jitter=10ms"));
        var clock = Stopwatch.StartNew();
        List<FrameHeader> received = await ExchangeAsync(a, b, 10);
        // Loose: ten frames of at least 20 ms each cannot take under 150 ms, however busy the machine.
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(150), $"10 delayed frames took only {clock.Elapsed.TotalMilliseconds} ms");
        Assert.Equal(Enumerable.Range(0, 10).Select(i => Header(i, 4)), received);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task ADroppedLinkFailsBothEndsWithTheInjectedReason(string transport)
    {
        (IPeerLink a, IPeerLink b) = await PairAsync(transport, FaultSpecParser.Parse("seed=1,drop-after=3,rank=0"));
        Assert.IsType<FaultInjectingLink>(a);
        Assert.IsNotType<FaultInjectingLink>(b);
        await ExchangeAsync(a, b, 3);
        Task<InboundFrame> receiving = b.ReceiveAsync().AsTask();
        var sent = await Assert.ThrowsAsync<LinkAbortedException>(() => a.SendAsync(Header(3, 0), ReadOnlyMemory<byte>.Empty).AsTask().WaitAsync(Guard));
        var lost = await Assert.ThrowsAsync<LinkAbortedException>(() => receiving.WaitAsync(Guard));
        foreach (LinkAbortedException error in new[] { sent, lost })
        {
            Assert.Equal(AbortCode.Closed, error.Reason.Code);
            Assert.Contains("rank 0: injected fault (COLLECTIVES_FAULTS=seed=1,drop-after=3,rank=0): dropped the link to rank 1 after 3 frames sent",
                error.Message);
        }
        Assert.True(lost.RaisedByPeer);
    }

    [Fact]
    public async Task AnAbortWakesAFrameWaitingOutItsDelay()
    {
        (IPeerLink a, _) = await PairAsync("inprocess", FaultSpecParser.Parse("seed=1,delay=9s"));
        var clock = Stopwatch.StartNew();
        Task sending = a.SendAsync(Header(0, 0), ReadOnlyMemory<byte>.Empty).AsTask();
        await Task.Delay(50);
        a.Abort(new AbortReason(AbortCode.Aborted, 0, "test stops it"));
        await Assert.ThrowsAsync<LinkAbortedException>(() => sending.WaitAsync(Guard));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"the abort took {clock.Elapsed} to reach a delayed send");
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task CorruptedHeadersArriveWellFormedButDifferentInTheSeededField(string transport)
    {
        FaultSpec spec = FaultSpecParser.Parse("seed=9,corrupt=0.5");
        (IPeerLink a, IPeerLink b) = await PairAsync(transport, spec);
        List<FrameHeader> received = await ExchangeAsync(a, b, 40);
        var schedule = new LinkFaultSchedule(spec, 0, 1);
        for (int i = 0; i < received.Count; i++)
        {
            FrameFault fault = schedule.Next();
            FrameHeader expected = FaultInjectingLink.Corrupt(Header(i, 4), fault.Corruption, fault.CorruptionBit);
            Assert.Equal(expected, received[i]);
            Assert.Equal(fault.Corruption != HeaderCorruption.None, received[i] != Header(i, 4));
        }
        Assert.Contains(received.Select((h, i) => (h, i)), p => p.h != Header(p.i, 4));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (TcpTestJob job in _jobs)
        {
            await job.DisposeAsync();
        }
    }
}
