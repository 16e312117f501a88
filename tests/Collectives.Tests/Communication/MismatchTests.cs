using Collectives.Tests.Harness;

namespace Collectives.Tests.Communication;

/// <summary>
/// Ranks that make different calls get a <see cref="CollectiveMismatchException"/> naming both
/// calls, on both sides, instead of a hang or wrong data.
/// </summary>
public sealed class MismatchTests
{
    private static readonly CommunicatorOptions Options = new() { Timeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task AllReduceAgainstBroadcastFailsBothRanksNamingBothCalls()
    {
        Communicator[] group = Communicator.CreateLocalGroup(2, Options);
        Exception?[] errors = await RankRunner.RunCollectingAsync(group, async c =>
        {
            float[] data = new float[100];
            if (c.Rank == 0)
            {
                await c.AllReduceAsync<float>(data, ReduceOp.Sum);
            }
            else
            {
                await c.BroadcastAsync<float>(data, root: 0);
            }
        });
        foreach (Exception? error in errors)
        {
            var mismatch = Assert.IsType<CollectiveMismatchException>(error);
            Assert.Contains("AllReduce(float × 100, Sum, recursive-doubling) #1", mismatch.Message);
            Assert.Matches(@"Broadcast\(float × 100, root 0, (tree|ring)\) #1", mismatch.Message);
        }
        Assert.All(group, c => Assert.True(c.IsBroken));
        await RankRunner.DisposeAllAsync(group);
    }

    public static TheoryData<string> Differences() => ["count", "type", "op", "root", "algorithm"];

    [Theory]
    [MemberData(nameof(Differences))]
    public async Task AnyDifferenceInTheCallIsCaught(string difference)
    {
        int ranks = 4;
        CommunicatorOptions[] options = Enumerable.Range(0, ranks).Select(r => Options with
        {
            Algorithm = difference == "algorithm" ? (r == 2 ? "allreduce=tree" : "allreduce=ring") : null,
        }).ToArray();
        // Options are per rank in a real job; for "algorithm" rank 2's differ from the others'.
        Communicator[] group = Communicator.CreateLocalGroup(options);
        Exception?[] errors = await RankRunner.RunCollectingAsync(group, async c =>
        {
            bool odd = c.Rank == 2;
            switch (difference)
            {
                case "count":
                    await c.AllReduceAsync<int>(new int[odd ? 11 : 10], ReduceOp.Sum);
                    break;
                case "type":
                    if (odd)
                    {
                        await c.AllReduceAsync<double>(new double[10], ReduceOp.Sum);
                    }
                    else
                    {
                        await c.AllReduceAsync<float>(new float[10], ReduceOp.Sum);
                    }
                    break;
                case "op":
                    await c.AllReduceAsync<int>(new int[10], odd ? ReduceOp.Max : ReduceOp.Sum);
                    break;
                case "root":
                    await c.BroadcastAsync<int>(new int[10], root: odd ? 1 : 0);
                    break;
                case "algorithm":
                    await c.AllReduceAsync<int>(new int[10], ReduceOp.Sum);
                    break;
            }
        });
        // The odd rank and a rank it talks to fail naming both calls. A rank whose part of the
        // call never touched the odd rank may finish (with correct data), but the mismatch
        // reaches it on its next call.
        var atOddRank = Assert.IsType<CollectiveMismatchException>(errors[2]);
        Assert.Contains("but rank", atOddRank.Message);
        Assert.Contains(errors.Where((_, r) => r != 2), e => e is CollectiveMismatchException);
        Assert.All(errors, e => Assert.True(e is null or CollectiveMismatchException, e?.ToString()));
        Exception?[] next = await RankRunner.RunCollectingAsync(group, c => c.BarrierAsync().AsTask());
        Assert.All(next, e => Assert.Contains("but rank", Assert.IsAssignableFrom<CollectiveException>(e).Message));
        await RankRunner.DisposeAllAsync(group);
    }

    [Fact]
    public async Task ACallOutOfOrderIsCaughtBySequenceAndFingerprint()
    {
        Communicator[] group = Communicator.CreateLocalGroup(3, Options);
        Exception?[] errors = await RankRunner.RunCollectingAsync(group, async c =>
        {
            // Rank 1 skips the barrier everyone else makes.
            if (c.Rank != 1)
            {
                await c.BarrierAsync();
            }
            await c.AllReduceAsync<long>(new long[5], ReduceOp.Sum);
        });
        Assert.All(errors, e => Assert.IsType<CollectiveMismatchException>(e));
        await RankRunner.DisposeAllAsync(group);
    }

    [Fact]
    public async Task PointToPointCountsMustMatch()
    {
        Communicator[] group = Communicator.CreateLocalGroup(2, Options);
        Exception?[] errors = await RankRunner.RunCollectingAsync(group, async c =>
        {
            if (c.Rank == 0)
            {
                await c.SendAsync<int>(new int[10], peer: 1);
            }
            else
            {
                await c.ReceiveAsync<int>(new int[12], peer: 0);
            }
        });
        var atReceiver = Assert.IsType<CollectiveMismatchException>(errors[1]);
        Assert.Contains("Receive(int × 12) #1", atReceiver.Message);
        Assert.Contains("Send(int × 10) #1", atReceiver.Message);
        Assert.IsType<CollectiveMismatchException>(errors[0]);
        await RankRunner.DisposeAllAsync(group);
    }
}
