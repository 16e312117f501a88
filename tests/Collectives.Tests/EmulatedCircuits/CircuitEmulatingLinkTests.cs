using Collectives.Kernels;
using Collectives.Transport;
using Collectives.Transport.Circuits;
using Collectives.Transport.InProcess;
using Collectives.Wire;

namespace Collectives.Tests.EmulatedCircuits;

/// <summary>The link decorator on in-process links with injected clocks: what it waits for, what passes at once, and what ends a wait.</summary>
public sealed class CircuitEmulatingLinkTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    private static async Task<(IPeerLink A, IPeerLink B)> PairAsync(CircuitEmulation emulation)
    {
        var fabric = new LinkDecoratingProvider(new InProcessFabric(), emulation.Wrap);
        return (await fabric.ConnectAsync(new LinkKey(7, 0, 1)), await fabric.ConnectAsync(new LinkKey(7, 1, 0)));
    }

    private static FrameHeader Header(long sequence, int length, FrameKind kind = FrameKind.Data) =>
        new(kind, 7, 0, 0, sequence, new OperationFingerprint(CollectiveKind.Send, DataType.UInt8, ReduceOp.Sum, Algorithm.Direct, 0, length), 0, length);

    private static async Task SendAndReceiveAsync(IPeerLink a, IPeerLink b, int frames, int bytes)
    {
        byte[] payload = Enumerable.Range(0, bytes).Select(i => (byte)i).ToArray();
        Task sending = Task.Run(async () =>
        {
            for (int i = 0; i < frames; i++)
            {
                await a.SendAsync(Header(i, bytes), payload);
            }
        });
        for (int i = 0; i < frames; i++)
        {
            using InboundFrame frame = await b.ReceiveAsync().AsTask().WaitAsync(Guard);
            Assert.Equal(payload, frame.Payload.ToArray());
        }
        await sending.WaitAsync(Guard);
    }

    [Fact]
    public async Task BackToBackFramesWaitForTheirBytesAtThePortBandwidth()
    {
        var clock = new RecordingCircuitClock();
        var emulation = new CircuitEmulation(CircuitSpecParser.Parse("bandwidth=1GB/s,hop=1us,plan=ring"), 2, clock);
        (IPeerLink a, IPeerLink b) = await PairAsync(emulation);
        await SendAndReceiveAsync(a, b, 3, 100_000);
        // 100 kB at 1 GB/s is 100 us per frame; the first byte pays one hop of latency, once.
        Assert.Equal(3, clock.Waits.Count);
        Assert.Equal(101e-6, clock.Waits[0], 9);
        Assert.Equal(201e-6, clock.Waits[1], 9);
        Assert.Equal(301e-6, clock.Waits[2], 9);
    }

    [Fact]
    public async Task EmptyFramesPassWithoutWaitingOrMovingTheSwitch()
    {
        var clock = new RecordingCircuitClock();
        var emulation = new CircuitEmulation(CircuitSpecParser.Parse("reconfig=1ms,plan=matchings"), 4, clock);
        var fabric = new LinkDecoratingProvider(new InProcessFabric(), emulation.Wrap);
        // Node 0 starts on xor 2, so a frame to node 1 would need a change.
        IPeerLink a = await fabric.ConnectAsync(new LinkKey(7, 0, 1));
        IPeerLink b = await fabric.ConnectAsync(new LinkKey(7, 1, 0));
        await SendAndReceiveAsync(a, b, 2, 0);
        Assert.Empty(clock.Waits);
        Assert.Equal(0, emulation.NodeOf(0).Changes);
    }

    [Fact]
    public async Task AChangeOfConfigurationIsWaitedOutBeforeTheFrameLeaves()
    {
        var clock = new RecordingCircuitClock();
        var emulation = new CircuitEmulation(CircuitSpecParser.Parse("reconfig=10ms,bandwidth=1GB/s,hop=0us,plan=matchings"), 4, clock);
        (IPeerLink a, IPeerLink b) = await PairAsync(emulation);
        await SendAndReceiveAsync(a, b, 1, 1000);
        Assert.Equal([0.010 + 1e-6], clock.Waits.Select(w => Math.Round(w, 9)));
        Assert.Equal(1, emulation.NodeOf(0).Changes);
        Assert.Equal(0, emulation.NodeOf(1).Changes);
    }

    /// <summary>Starts a send from node 0 to node 1, which needs a 10 s change of the switch, and returns once it waits for it on a clock that does not move.</summary>
    private static async Task<(Task Sending, IPeerLink A, IPeerLink B)> SendIntoADarkSpellAsync(CancellationToken cancellationToken)
    {
        var clock = new ManualCircuitClock();
        var emulation = new CircuitEmulation(CircuitSpecParser.Parse("reconfig=10s,plan=matchings"), 4, clock);
        (IPeerLink a, IPeerLink b) = await PairAsync(emulation);
        Task sending = a.SendAsync(Header(0, 16), new byte[16], cancellationToken).AsTask();
        while (clock.Pending == 0)
        {
            Assert.False(sending.IsCompleted, "the send must wait for the switch");
            await Task.Delay(1);
        }
        return (sending, a, b);
    }

    [Fact]
    public async Task CancellingASendEndsItsDarkWaitAndAbortsTheLinkSayingWhy()
    {
        using var cancel = new CancellationTokenSource();
        (Task sending, IPeerLink _, IPeerLink b) = await SendIntoADarkSpellAsync(cancel.Token);
        await cancel.CancelAsync();
        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending.WaitAsync(Guard));
        Assert.Contains("rank 0: the send of", error.Message);
        Assert.Contains("to rank 1 was cancelled while the emulated switch was dark", error.Message);
        var aborted = await Assert.ThrowsAsync<LinkAbortedException>(() => b.ReceiveAsync().AsTask().WaitAsync(Guard));
        Assert.Equal(AbortCode.Cancelled, aborted.Reason.Code);
    }

    [Fact]
    public async Task AbortingTheLinkEndsADarkWait()
    {
        (Task sending, IPeerLink a, IPeerLink _) = await SendIntoADarkSpellAsync(CancellationToken.None);
        a.Abort(new AbortReason(AbortCode.Aborted, 0, "test stops the job"));
        var error = await Assert.ThrowsAsync<LinkAbortedException>(() => sending.WaitAsync(Guard));
        Assert.Contains("test stops the job", error.Message);
    }

    [Fact]
    public async Task TheSystemClockNeverWakesAWaitEarly()
    {
        ICircuitClock clock = SystemCircuitClock.Shared;
        for (int i = 0; i < 20; i++)
        {
            double deadline = clock.Now + (i % 4 * 0.0007);
            await clock.WaitUntilAsync(deadline, CancellationToken.None).AsTask().WaitAsync(Guard);
            Assert.True(clock.Now >= deadline);
        }
    }

    [Fact]
    public async Task TheSystemClockEndsACancelledWait()
    {
        ICircuitClock clock = SystemCircuitClock.Shared;
        using var cancel = new CancellationTokenSource();
        Task waiting = clock.WaitUntilAsync(clock.Now + 3600, cancel.Token).AsTask();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(Guard));
    }
}
