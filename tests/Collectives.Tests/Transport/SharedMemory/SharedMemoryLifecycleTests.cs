using System.Buffers.Binary;
using Collectives.Kernels;
using Collectives.Transport;
using Collectives.Transport.SharedMemory;
using Collectives.Wire;

namespace Collectives.Tests.Transport.SharedMemory;

/// <summary>Segment names, cleanup, connection failures and peer death: what a crashed or concurrent job must not break.</summary>
public sealed class SharedMemoryLifecycleTests
{
    // Above any pid_max (at most 2^22): kill(2) reports no such process.
    private static readonly ProcessIdentity DeadProcess = new(int.MaxValue - 7, 12345, ProcessIdentity.Current.PidNamespace);

    private static FrameHeader Header(long sequence, int length) =>
        new(FrameKind.Data, 7, 0, 0, sequence,
            new OperationFingerprint(CollectiveKind.Send, DataType.UInt8, ReduceOp.Sum, Algorithm.Direct, 0, length), 0, length);

    [Fact]
    public async Task SegmentsOfDeadProcessesAreRemovedAtStartAndLiveOnesKept()
    {
        string dead = WritePreamble(SegmentLayout.PairMagic, DeadProcess);
        string deadBell = WritePreamble(SegmentLayout.DoorbellMagic, DeadProcess);
        string live = WritePreamble(SegmentLayout.PairMagic, ProcessIdentity.Current);
        // A pid reused by a younger process: the start time no longer matches.
        string reused = WritePreamble(SegmentLayout.PairMagic, ProcessIdentity.Current with { StartTime = ProcessIdentity.Current.StartTime + 1 });
        // Another pid namespace (a container sharing /dev/shm): its pids cannot be judged from here.
        string foreign = WritePreamble(SegmentLayout.PairMagic, DeadProcess with { PidNamespace = ProcessIdentity.Current.PidNamespace + 1 });
        try
        {
            await using ShmHarness harness = await ShmHarness.StartAsync(1);
            Assert.False(File.Exists(dead));
            Assert.False(File.Exists(deadBell));
            Assert.False(File.Exists(reused));
            Assert.True(File.Exists(live));
            Assert.True(File.Exists(foreign) || ProcessIdentity.Current.PidNamespace == 0);
        }
        finally
        {
            File.Delete(live);
            File.Delete(foreign);
        }
    }

    [Fact]
    public async Task PairSegmentsAreUnlinkedOnceBothEndsMappedThemAndDoorbellsOnDispose()
    {
        ShmHarness harness = await ShmHarness.StartAsync(2);
        (SharedMemoryLink a, SharedMemoryLink b) = await harness.ConnectAsync(0, 1);
        Assert.Equal(a.SegmentPath, b.SegmentPath);
        Assert.False(File.Exists(a.SegmentPath));
        string[] bells = harness.Transports.Select(t => t.DoorbellPath!).ToArray();
        Assert.All(bells, path => Assert.True(File.Exists(path)));

        // The memory lives on in the two mappings.
        ValueTask send = a.SendAsync(Header(1, 3), new byte[] { 1, 2, 3 });
        using (InboundFrame frame = await b.ReceiveAsync().AsTask().WaitAsync(ShmHarness.Guard))
        {
            Assert.Equal([1, 2, 3], frame.Payload.ToArray());
        }
        await send;

        await harness.DisposeAsync();
        Assert.All(bells, path => Assert.False(File.Exists(path)));
        Assert.Empty(Directory.EnumerateFiles(SegmentNames.Directory, $"{SegmentNames.Prefix}{harness.Credentials.JobHash:x16}*"));
    }

    [Fact]
    public async Task TwoJobsOnOneHostUseTheirOwnSegments()
    {
        await using ShmHarness first = await ShmHarness.StartAsync(2);
        await using ShmHarness second = await ShmHarness.StartAsync(2);
        Assert.False(first.Transports[0].CanConnect(second.Addresses[1]));
        Assert.False(second.Transports[1].CanConnect(first.Addresses[0]));
        Assert.True(first.Transports[0].CanConnect(first.Addresses[1]));

        // Same endpoints, same communicator id: still two separate links.
        (SharedMemoryLink a1, SharedMemoryLink b1) = await first.ConnectAsync(0, 1, communicatorId: 42);
        (SharedMemoryLink a2, SharedMemoryLink b2) = await second.ConnectAsync(0, 1, communicatorId: 42);
        Assert.NotEqual(a1.SegmentPath, a2.SegmentPath);
        await a1.SendAsync(Header(1, 1), new byte[] { 11 });
        await a2.SendAsync(Header(2, 1), new byte[] { 22 });
        using (InboundFrame frame = await b2.ReceiveAsync())
        {
            Assert.Equal(2, frame.Header.Sequence);
            Assert.Equal(22, frame.Payload.Span[0]);
        }
        using (InboundFrame frame = await b1.ReceiveAsync())
        {
            Assert.Equal(1, frame.Header.Sequence);
            Assert.Equal(11, frame.Payload.Span[0]);
        }
        await Assert.ThrowsAsync<ArgumentException>(() =>
            first.Transports[0].ConnectAsync(new LinkKey(1, 0, 1), second.Addresses[1], CancellationToken.None).AsTask());
    }

    [Theory]
    [InlineData(0)] // the creator waits for an acknowledgement that never comes
    [InlineData(1)] // the mapper waits for a segment that never appears
    public async Task ConnectingToAnAbsentPeerTimesOutNamingIt(int present)
    {
        await using ShmHarness harness = await ShmHarness.StartAsync(2, connectTimeout: TimeSpan.FromMilliseconds(300));
        int absent = 1 - present;
        TimeoutException error = await Assert.ThrowsAsync<TimeoutException>(() => harness.Transports[present]
            .ConnectAsync(new LinkKey(5, present, absent), harness.Addresses[absent], CancellationToken.None).AsTask().WaitAsync(ShmHarness.Guard));
        Assert.Contains($"endpoint {absent}", error.Message);
        Assert.Empty(Directory.EnumerateFiles(SegmentNames.Directory, $"{SegmentNames.Prefix}{harness.Credentials.JobHash:x16}-link-*"));
    }

    [Fact]
    public async Task APeerThatDiedFailsParkedOperationsWithinSeconds()
    {
        await using ShmHarness harness = await ShmHarness.StartAsync(2);
        (SharedMemoryLink a, SharedMemoryLink b) = await harness.ConnectAsync(0, 1);
        b.OverridePeerIdentityForTest(DeadProcess);
        Task<InboundFrame> receive = b.ReceiveAsync().AsTask();
        LinkAbortedException error = await Assert.ThrowsAsync<LinkAbortedException>(() => receive.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(AbortCode.Closed, error.Reason.Code);
        Assert.Contains($"endpoint 0 (pid {DeadProcess.Pid}) died", error.Reason.Message);
        Assert.True(error.RaisedByPeer);
        // The survivor's verdict is in the segment: the other end (alive here) sees it too.
        await Assert.ThrowsAsync<LinkAbortedException>(() => a.SendAsync(Header(0, 0), ReadOnlyMemory<byte>.Empty).AsTask());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task FramesSentBeforeThePeerClosedAreStillDelivered(bool receiverParkedFirst)
    {
        await using ShmHarness harness = await ShmHarness.StartAsync(2);
        (SharedMemoryLink a, SharedMemoryLink b) = await harness.ConnectAsync(0, 1);
        Task<InboundFrame>? parked = receiverParkedFirst ? b.ReceiveAsync().AsTask() : null;
        for (int i = 0; i < 3; i++)
        {
            await a.SendAsync(Header(i, 1), new[] { (byte)i });
        }
        // The sender is done and closes at once, as a rank that finished its part of a collective.
        await a.DisposeAsync();
        for (int i = 0; i < 3; i++)
        {
            InboundFrame frame = i == 0 && parked is not null
                ? await parked.WaitAsync(ShmHarness.Guard)
                : await b.ReceiveAsync().AsTask().WaitAsync(ShmHarness.Guard);
            Assert.Equal(i, frame.Header.Sequence);
            Assert.Equal(i, frame.Payload.Span[0]);
            frame.Dispose();
        }
        LinkAbortedException error = await Assert.ThrowsAsync<LinkAbortedException>(() => b.ReceiveAsync().AsTask().WaitAsync(ShmHarness.Guard));
        Assert.Equal(AbortCode.Closed, error.Reason.Code);
        Assert.True(error.RaisedByPeer);
    }

    [Fact]
    public async Task ALocalAbortFailsAtOnceEvenWithFramesWaiting()
    {
        await using ShmHarness harness = await ShmHarness.StartAsync(2);
        (SharedMemoryLink a, SharedMemoryLink b) = await harness.ConnectAsync(0, 1);
        await a.SendAsync(Header(1, 1), new byte[] { 1 });
        var reason = new AbortReason(AbortCode.Aborted, 1, "rank 1 gave up");
        b.Abort(reason);
        LinkAbortedException error = await Assert.ThrowsAsync<LinkAbortedException>(() => b.ReceiveAsync().AsTask());
        Assert.Same(reason, error.Reason);
        Assert.False(error.RaisedByPeer);
    }

    [Fact]
    public async Task AFrameStaysReadableUntilDisposedEvenAfterTheLinkIsClosed()
    {
        await using ShmHarness harness = await ShmHarness.StartAsync(2);
        (SharedMemoryLink a, SharedMemoryLink b) = await harness.ConnectAsync(0, 1);
        byte[] payload = Enumerable.Range(0, 1000).Select(i => (byte)i).ToArray();
        await a.SendAsync(Header(1, payload.Length), payload);
        InboundFrame frame = await b.ReceiveAsync();
        await b.DisposeAsync();
        Assert.True(frame.Payload.Span.SequenceEqual(payload));
        frame.Dispose();
        frame.Dispose();
        await Assert.ThrowsAsync<LinkAbortedException>(() => b.ReceiveAsync().AsTask());
    }

    [Fact]
    public async Task FramesMayBeDisposedOutOfOrder()
    {
        var options = new SharedMemoryTransportOptions { RingBytes = SharedMemoryTransportOptions.MinRingBytes };
        await using ShmHarness harness = await ShmHarness.StartAsync(2, options);
        (SharedMemoryLink a, SharedMemoryLink b) = await harness.ConnectAsync(0, 1);
        byte[] payload = new byte[8000];
        Task sender = Task.Run(async () =>
        {
            for (int i = 0; i < 300; i++)
            {
                payload.AsSpan().Fill((byte)i);
                await a.SendAsync(Header(i, payload.Length), payload);
            }
        });
        var held = new List<InboundFrame>();
        for (int i = 0; i < 300; i++)
        {
            InboundFrame frame = await b.ReceiveAsync().AsTask().WaitAsync(ShmHarness.Guard);
            Assert.Equal(i, frame.Header.Sequence);
            Assert.True(frame.Payload.Span.IndexOfAnyExcept((byte)i) < 0, $"frame {i} corrupted");
            held.Add(frame);
            if (held.Count == 3)
            {
                // Newest first: the ring must not reuse the older frames' bytes meanwhile.
                held[2].Dispose();
                held[1].Dispose();
                Assert.True(held[0].Payload.Span.IndexOfAnyExcept((byte)(i - 2)) < 0, $"frame {i - 2} overwritten while held");
                held[0].Dispose();
                held.Clear();
            }
        }
        held.ForEach(f => f.Dispose());
        await sender.WaitAsync(ShmHarness.Guard);
    }

    [Fact]
    public async Task OperationsThatCanFinishAtOnceDoSoWithoutAllocating()
    {
        await using ShmHarness harness = await ShmHarness.StartAsync(2);
        (SharedMemoryLink a, SharedMemoryLink b) = await harness.ConnectAsync(0, 1);
        byte[] payload = new byte[8];
        FrameHeader header = Header(1, payload.Length);
        // Twice: the first round warms up (tiering, statics); the second must allocate nothing.
        AllocatedBySynchronousRoundTrips(a, b, header, payload);
        long allocated = AllocatedBySynchronousRoundTrips(a, b, header, payload);
        Assert.Equal(0, allocated);
    }

    /// <summary>Bytes this thread allocates for 1000 sends and receives that must each finish at once.</summary>
    private static long AllocatedBySynchronousRoundTrips(IPeerLink a, IPeerLink b, FrameHeader header, byte[] payload)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            ValueTask send = a.SendAsync(header, payload);
            Assert.True(send.IsCompletedSuccessfully);
            send.GetAwaiter().GetResult();
            ValueTask<InboundFrame> receive = b.ReceiveAsync();
            Assert.True(receive.IsCompletedSuccessfully);
            receive.Result.Dispose();
        }
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static string WritePreamble(ulong magic, ProcessIdentity owner)
    {
        string path = $"{SegmentNames.Directory}/{SegmentNames.Prefix}test-{Guid.NewGuid():N}";
        byte[] preamble = new byte[SegmentLayout.PairHeaderBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(preamble, magic);
        BinaryPrimitives.WriteUInt32LittleEndian(preamble.AsSpan(SegmentLayout.VersionOffset), SegmentLayout.Version);
        BinaryPrimitives.WriteInt32LittleEndian(preamble.AsSpan(SegmentLayout.OwnerPidOffset), owner.Pid);
        BinaryPrimitives.WriteInt64LittleEndian(preamble.AsSpan(SegmentLayout.OwnerStartTimeOffset), owner.StartTime);
        BinaryPrimitives.WriteUInt64LittleEndian(preamble.AsSpan(SegmentLayout.OwnerPidNamespaceOffset), owner.PidNamespace);
        File.WriteAllBytes(path, preamble);
        return path;
    }
}
