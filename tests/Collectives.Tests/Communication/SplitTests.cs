using Collectives.Tests.Harness;

namespace Collectives.Tests.Communication;

/// <summary>SplitAsync builds working sub-communicators ordered by key, like MPI_Comm_split.</summary>
public sealed class SplitTests
{
    private static readonly CommunicatorOptions Options = new() { Timeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task SplitsByColorOrdersByKeyAndRunsCollectives()
    {
        Communicator[] group = Communicator.CreateLocalGroup(7, Options);
        var results = await RankRunner.RunAsync(group, async c =>
        {
            // Even and odd ranks; keys reverse the order inside each half; rank 6 opts out.
            int color = c.Rank == 6 ? -1 : c.Rank % 2;
            Communicator? child = await c.SplitAsync(color, key: -c.Rank);
            // The parent keeps working after the split.
            long[] all = [1];
            await c.AllReduceAsync<long>(all, ReduceOp.Sum);
            Assert.Equal(7, all[0]);
            if (child is null)
            {
                return (c.Rank, ChildRank: -1, ChildSize: 0, Sum: 0L);
            }
            long[] value = [c.Rank];
            await child.AllReduceAsync<long>(value, ReduceOp.Sum);
            await child.DisposeAsync();
            return (c.Rank, ChildRank: child.Rank, ChildSize: child.Size, Sum: value[0]);
        });
        // Evens 0,2,4 (keys 0,-2,-4): child ranks 4→0, 2→1, 0→2. Odds 1,3,5: 5→0, 3→1, 1→2.
        int[] expectedChildRank = [2, 2, 1, 1, 0, 0, -1];
        foreach ((int rank, int childRank, int childSize, long sum) in results)
        {
            Assert.Equal(expectedChildRank[rank], childRank);
            if (rank != 6)
            {
                Assert.Equal(3, childSize);
                Assert.Equal(rank % 2 == 0 ? 0 + 2 + 4 : 1 + 3 + 5, sum);
            }
        }
        await RankRunner.DisposeAllAsync(group);
    }

    [Fact]
    public async Task SplitChildrenOfTheSameParentDoNotShareLinks()
    {
        Communicator[] group = Communicator.CreateLocalGroup(4, Options);
        await RankRunner.RunAsync(group, async c =>
        {
            Communicator first = (await c.SplitAsync(0, c.Rank))!;
            Communicator second = (await c.SplitAsync(0, c.Rank))!;
            // Interleave calls on the two children: frames must never cross between them.
            int[] a = [c.Rank];
            int[] b = [10 * c.Rank];
            Task one = first.AllReduceAsync<int>(a, ReduceOp.Sum).AsTask();
            Task two = second.AllReduceAsync<int>(b, ReduceOp.Sum).AsTask();
            await Task.WhenAll(one, two);
            Assert.Equal(6, a[0]);
            Assert.Equal(60, b[0]);
            await first.DisposeAsync();
            await second.DisposeAsync();
        });
        await RankRunner.DisposeAllAsync(group);
    }
}
