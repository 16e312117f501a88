using Collectives.Tests.Harness;

namespace Collectives.Tests.Algorithms;

/// <summary>
/// Many ranks on two cores, many times, mixing every collective: the concurrency of the
/// in-process transport and the communicator's slots must neither hang nor corrupt.
/// </summary>
public sealed class OversubscribedStressTests
{
    [Theory]
    [InlineData(8, 150)]
    [InlineData(16, 60)]
    public async Task ManyRoundsOfMixedCollectives(int ranks, int rounds)
    {
        Communicator[] group = Communicator.CreateLocalGroup(ranks, new CommunicatorOptions
        {
            Timeout = TimeSpan.FromSeconds(60),
            ChunkBytes = 1024,
        });
        await RankRunner.RunAsync(group, async c =>
        {
            var random = new Random(7); // same sequence of sizes on every rank
            for (int round = 0; round < rounds; round++)
            {
                int count = random.Next(0, 3000);
                int root = random.Next(0, ranks);
                int[] data = Enumerable.Range(0, count).Select(i => c.Rank + i).ToArray();
                await c.AllReduceAsync<int>(data, ReduceOp.Sum);
                for (int i = 0; i < count; i++)
                {
                    Assert.Equal((ranks * (ranks - 1) / 2) + (ranks * i), data[i]);
                }
                int[] gathered = new int[ranks * 3];
                await c.AllGatherAsync<int>(new[] { c.Rank, round, -c.Rank }, gathered);
                for (int r = 0; r < ranks; r++)
                {
                    Assert.Equal(r, gathered[3 * r]);
                    Assert.Equal(round, gathered[(3 * r) + 1]);
                }
                long[] token = [c.Rank == root ? round : -1];
                await c.BroadcastAsync<long>(token, root);
                Assert.Equal(round, token[0]);
                await c.BarrierAsync();
            }
        });
        await RankRunner.DisposeAllAsync(group);
    }
}
