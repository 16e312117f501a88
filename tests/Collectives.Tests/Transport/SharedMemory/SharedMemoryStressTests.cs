using System.Runtime.InteropServices;
using Collectives.Algorithms;
using Collectives.Buffers;
using Collectives.Kernels;
using Collectives.Transport;
using Collectives.Transport.SharedMemory;
using Collectives.Wire;

namespace Collectives.Tests.Transport.SharedMemory;

/// <summary>
/// Many endpoints on two cores, small rings, frames above the inline limit, and real algorithms
/// (a tree's concurrent up and down waves) over shared-memory links: nothing may hang or corrupt.
/// </summary>
public sealed class SharedMemoryStressTests
{
    private static FrameHeader Header(long sequence, int length, int sender) =>
        new(FrameKind.Data, 3, 0, sender, sequence,
            new OperationFingerprint(CollectiveKind.Send, DataType.UInt8, ReduceOp.Sum, Algorithm.Direct, 0, length), 0, length);

    [Theory]
    [InlineData(30)] // the default spin
    [InlineData(0)]  // every wait parks on the progress thread
    public async Task EightEndpointsTalkingInARingOnTwoCoresNeverHang(int spinMicroseconds)
    {
        const int endpoints = 8;
        const int rounds = 400;
        await using ShmHarness harness = await ShmHarness.StartAsync(endpoints,
            new SharedMemoryTransportOptions { RingBytes = 256 << 10, Spin = TimeSpan.FromMicroseconds(spinMicroseconds) });
        var toNext = new SharedMemoryLink[endpoints];
        var fromPrevious = new SharedMemoryLink[endpoints];
        await Task.WhenAll(Enumerable.Range(0, endpoints).Select(async i =>
        {
            int next = (i + 1) % endpoints;
            (SharedMemoryLink forward, SharedMemoryLink backward) = await harness.ConnectAsync(i, next);
            toNext[i] = forward;
            fromPrevious[next] = backward;
        }));
        await Task.WhenAll(Enumerable.Range(0, endpoints).Select(i => Task.Run(async () =>
        {
            var sizes = new Random(5); // same sequence on every endpoint
            int previous = (i + endpoints - 1) % endpoints;
            for (int round = 0; round < rounds; round++)
            {
                int size = SizeFor(sizes, round);
                byte[] payload = new byte[size];
                payload.AsSpan().Fill((byte)(i + round));
                ValueTask send = toNext[i].SendAsync(Header(round, size, i), payload);
                using (InboundFrame frame = await fromPrevious[i].ReceiveAsync())
                {
                    Assert.Equal(round, frame.Header.Sequence);
                    Assert.Equal(previous, frame.Header.SenderRank);
                    Assert.Equal(size, frame.Payload.Length);
                    Assert.True(frame.Payload.Span.IndexOfAnyExcept((byte)(previous + round)) < 0,
                        $"endpoint {i} round {round}: payload corrupted");
                }
                await send;
            }
        }))).WaitAsync(TimeSpan.FromMinutes(3));
    }

    [Fact]
    public async Task FramesAboveTheInlineLimitStreamThroughASmallRingBothWays()
    {
        var options = new SharedMemoryTransportOptions { RingBytes = SharedMemoryTransportOptions.MinRingBytes };
        await using ShmHarness harness = await ShmHarness.StartAsync(2, options);
        (SharedMemoryLink a, SharedMemoryLink b) = await harness.ConnectAsync(0, 1);
        var random = new Random(11);
        int[] sizes = Enumerable.Range(0, 120).Select(i => i % 4 == 0 ? random.Next(32 << 10, 300 << 10) : random.Next(0, 40 << 10)).ToArray();
        async Task Exchange(SharedMemoryLink self, int me)
        {
            for (int i = 0; i < sizes.Length; i++)
            {
                byte[] payload = Pattern(sizes[i], seed: (me * 1000) + i);
                ValueTask send = self.SendAsync(Header(i, payload.Length, me), payload);
                using (InboundFrame frame = await self.ReceiveAsync())
                {
                    Assert.Equal(i, frame.Header.Sequence);
                    Assert.True(frame.Payload.Span.SequenceEqual(Pattern(sizes[i], seed: ((1 - me) * 1000) + i)), $"frame {i} at end {me} differs");
                }
                await send;
            }
        }
        await Task.WhenAll(Task.Run(() => Exchange(a, 0)), Task.Run(() => Exchange(b, 1))).WaitAsync(TimeSpan.FromMinutes(2));
    }

    [Theory]
    [InlineData(Algorithm.Tree, 8, 5000)]
    [InlineData(Algorithm.Ring, 8, 100_000)]
    [InlineData(Algorithm.HalvingDoubling, 4, 70_000)]
    [InlineData(Algorithm.Tree, 3, 1)]
    public async Task AllReduceOverSharedMemoryLinksGivesTheExactSum(Algorithm algorithm, int ranks, int count)
    {
        await using ShmHarness harness = await ShmHarness.StartAsync(ranks, new SharedMemoryTransportOptions { RingBytes = 128 << 10 });
        var links = new IPeerLink?[ranks][];
        for (int r = 0; r < ranks; r++)
        {
            links[r] = new IPeerLink?[ranks];
        }
        var pairs = new List<Task>();
        for (int r = 0; r < ranks; r++)
        {
            for (int p = r + 1; p < ranks; p++)
            {
                (int low, int high) = (r, p);
                pairs.Add(Task.Run(async () => (links[low][high], links[high][low]) = await harness.ConnectAsync(low, high, communicatorId: 9)));
            }
        }
        await Task.WhenAll(pairs);
        const int rounds = 5;
        await Task.WhenAll(Enumerable.Range(0, ranks).Select(rank => Task.Run(async () =>
        {
            var context = new CollectiveContext(rank, ranks, links[rank], 9, 0, new ScratchArena(), chunkBytes: 16 << 10,
                fail: _ => Array.ForEach(links[rank], l => l?.Abort(new AbortReason(AbortCode.Failed, rank, "test rank failed"))));
            for (int round = 0; round < rounds; round++)
            {
                int[] input = Enumerable.Range(0, count).Select(i => (rank * 7) + i + round).ToArray();
                int[] output = new int[count];
                var call = new CollectiveCall(CollectiveKind.AllReduce, DataType.Int32, ReduceOp.Sum, algorithm, 0, count,
                    MemoryMarshal.AsBytes(input.AsSpan()).ToArray(), new byte[count * sizeof(int)]);
                context.Begin(call.Fingerprint, round + 1);
                await AlgorithmRunner.RunAsync(context, call);
                MemoryMarshal.Cast<byte, int>(call.Output.Span).CopyTo(output);
                for (int i = 0; i < count; i++)
                {
                    int expected = (7 * ranks * (ranks - 1) / 2) + (ranks * (i + round));
                    Assert.True(expected == output[i], $"rank {rank} round {round} element {i}: {output[i]}, expected {expected}");
                }
            }
        }))).WaitAsync(TimeSpan.FromMinutes(3));
    }

    private static int SizeFor(Random random, int round) => (round % 50) switch
    {
        0 => random.Next(64 << 10, 512 << 10), // above the inline limit of a 256 KiB ring: streamed
        < 10 => random.Next(1 << 10, 32 << 10),
        _ => random.Next(0, 64),
    };

    private static byte[] Pattern(int length, int seed)
    {
        byte[] data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }
}
