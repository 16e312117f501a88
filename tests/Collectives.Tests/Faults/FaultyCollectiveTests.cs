using System.Diagnostics;
using Collectives.Tests.Harness;
using Collectives.Transport.Faults;

namespace Collectives.Tests.Faults;

/// <summary>
/// Whole communicators on faulty in-process links: delays only slow them down; a dropped link
/// fails every rank fast with an error naming the ranks; corrupted headers fail the call, and
/// no rank ever returns a wrong result.
/// </summary>
public sealed class FaultyCollectiveTests
{
    /// <summary>Long: a failure must come from the fault, within seconds, never from this deadline.</summary>
    private static readonly CommunicatorOptions Options = new() { Timeout = TimeSpan.FromMinutes(2), ChunkBytes = 4096 };

    private static Communicator[] Group(int size, string spec) =>
        Communicator.CreateLocalGroup(Enumerable.Repeat(Options, size).ToArray(), FaultSpecParser.Parse(spec));

    private static int[] Input(int rank, int count) => Enumerable.Range(0, count).Select(i => i * 31 + rank * 7).ToArray();

    private static int Expected(int size, int i) => Enumerable.Range(0, size).Sum(rank => i * 31 + rank * 7);

    [Fact]
    public async Task DelayAndJitterOnlySlowCollectivesDown()
    {
        Communicator[] group = Group(4, "seed=5,delay=200us,jitter=1ms");
        await RankRunner.RunAsync(group, async c =>
        {
            for (int round = 0; round < 3; round++)
            {
                int[] data = Input(c.Rank, 10_000);
                await c.AllReduceAsync<int>(data, ReduceOp.Sum);
                Assert.Equal(Enumerable.Range(0, data.Length).Select(i => Expected(c.Size, i)), data);
                int[] all = new int[4 * c.Size];
                await c.AllGatherAsync<int>(new[] { c.Rank, c.Rank, c.Rank, c.Rank }, all);
                Assert.Equal(Enumerable.Range(0, c.Size).SelectMany(r => Enumerable.Repeat(r, 4)), all);
                await c.BarrierAsync();
            }
        });
        await RankRunner.DisposeAllAsync(group);
    }

    [Fact]
    public async Task ADroppedLinkFailsEveryRankFastNamingTheRanks()
    {
        Communicator[] group = Group(4, "seed=5,drop-after=20,rank=2");
        var clock = Stopwatch.StartNew();
        Exception?[] errors = await RankRunner.RunCollectingAsync(group, async c =>
        {
            for (int round = 0; round < 100; round++)
            {
                await c.AllReduceAsync<int>(Input(c.Rank, 50_000), ReduceOp.Sum);
            }
        });
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"ranks took {clock.Elapsed} to fail; they must not wait for the deadline");
        for (int rank = 0; rank < errors.Length; rank++)
        {
            var error = Assert.IsType<PeerLostException>(errors[rank]);
            Assert.Contains("rank 2: injected fault (COLLECTIVES_FAULTS=seed=5,drop-after=20,rank=2): dropped the link to rank ", error.Message);
            Assert.Equal(rank, error.Rank);
            if (rank != 2)
            {
                Assert.StartsWith($"Rank {rank}: AllReduce", error.Message);
                Assert.Equal(2, error.Peer);
            }
        }
        await RankRunner.DisposeAllAsync(group);
    }

    [Fact]
    public async Task CorruptingEveryHeaderFailsTheCallLoudly()
    {
        Communicator[] group = Group(3, "seed=11,corrupt=1");
        Exception?[] errors = await RankRunner.RunCollectingAsync(group,
            c => c.AllReduceAsync<int>(Input(c.Rank, 1000), ReduceOp.Sum).AsTask());
        Assert.All(errors, error => Assert.IsAssignableFrom<CollectiveException>(error));
        Assert.Contains(errors, e => e is CollectiveMismatchException || e!.Message.Contains("expected bytes", StringComparison.Ordinal));
        await RankRunner.DisposeAllAsync(group);
    }

    /// <summary>
    /// The property that matters: under random header corruption a rank either gets exactly the
    /// right result or an exception, never a silently wrong result.
    /// </summary>
    [Fact]
    public async Task UnderRandomCorruptionNoRankEverReturnsAWrongResult()
    {
        int failedRuns = 0;
        int cleanRuns = 0;
        for (ulong seed = 0; seed < 24; seed++)
        {
            int size = 2 + (int)(seed % 4);
            Communicator[] group = Group(size, $"seed={seed},corrupt=0.02");
            Exception?[] errors = await RankRunner.RunCollectingAsync(group, async c =>
            {
                for (int round = 0; round < 4; round++)
                {
                    int[] data = Input(c.Rank, 3000 + round);
                    await c.AllReduceAsync<int>(data, ReduceOp.Sum);
                    for (int i = 0; i < data.Length; i++)
                    {
                        Assert.True(data[i] == Expected(c.Size, i), $"seed {seed}: rank {c.Rank} returned a wrong element {i}");
                    }
                    long[] input = Enumerable.Range(0, 500 * c.Size).Select(i => (long)i * (c.Rank + 1)).ToArray();
                    long[] output = new long[500];
                    await c.ReduceScatterAsync<long>(input, output, ReduceOp.Sum);
                    long factor = c.Size * (c.Size + 1L) / 2;
                    for (int i = 0; i < output.Length; i++)
                    {
                        Assert.True(output[i] == (c.Rank * 500L + i) * factor, $"seed {seed}: rank {c.Rank} reduce-scatter element {i} wrong");
                    }
                }
            });
            Assert.DoesNotContain(errors, e => e is Xunit.Sdk.XunitException);
            Assert.All(errors, e => Assert.True(e is null or CollectiveException, $"seed {seed}: unexpected {e}"));
            if (errors.Any(e => e is not null))
            {
                failedRuns++;
            }
            else
            {
                cleanRuns++;
            }
            await RankRunner.DisposeAllAsync(group);
        }
        // Corruption must actually have been met, or the test would prove nothing.
        Assert.True(failedRuns > 0, $"{failedRuns} runs failed, {cleanRuns} ran clean");
    }
}
