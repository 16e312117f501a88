using Collectives.Tests.Harness;

namespace Collectives.Tests.Communication;

/// <summary>Abort and dispose end the peers' waits with the reason, and leave the communicator unusable.</summary>
public sealed class AbortAndCloseTests
{
    private static readonly CommunicatorOptions Options = new() { Timeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task AbortFailsEveryRankWithTheReason()
    {
        Communicator[] group = Communicator.CreateLocalGroup(4, Options);
        Task<Exception?[]> waiting = RankRunner.RunCollectingAsync(group[1..],
            c => c.AllReduceAsync<double>(new double[1000], ReduceOp.Sum).AsTask());
        await Task.Delay(50);
        group[0].Abort("the trainer hit a NaN loss");
        Exception?[] errors = await waiting;
        foreach (Exception? error in errors)
        {
            var lost = Assert.IsType<PeerLostException>(error);
            Assert.Contains("Rank 0 aborted the communicator: the trainer hit a NaN loss", lost.Message);
            Assert.Equal(0, lost.Peer);
        }
        var broken = await Assert.ThrowsAsync<CollectiveException>(() => group[0].BarrierAsync().AsTask());
        Assert.Contains("the communicator is broken", broken.Message);
        Assert.Contains("Create a new communicator", broken.Message);
        await RankRunner.DisposeAllAsync(group);
    }

    [Fact]
    public async Task APeerThatClosesMidCallIsReportedAsLost()
    {
        Communicator[] group = Communicator.CreateLocalGroup(2, Options);
        Task waiting = group[1].BroadcastAsync<int>(new int[10], root: 0).AsTask();
        await Task.Delay(50);
        await group[0].DisposeAsync();
        var lost = await Assert.ThrowsAsync<PeerLostException>(() => waiting);
        Assert.Contains("Rank 0 closed its communicator", lost.Message);
        Assert.Matches(@"Broadcast\(int × 10, root 0, (tree|ring)\) #1", lost.Message);
        await group[1].DisposeAsync();
    }

    [Fact]
    public async Task ClosingAfterSuccessDoesNotDisturbPeersThatAreStillFinishing()
    {
        for (int round = 0; round < 20; round++)
        {
            Communicator[] group = Communicator.CreateLocalGroup(5, Options);
            await RankRunner.RunAsync(group, async c =>
            {
                var data = new int[1000];
                data.AsSpan().Fill(c.Rank);
                await c.AllReduceAsync<int>(data, ReduceOp.Sum);
                Assert.All(data, x => Assert.Equal(10, x));
                await c.DisposeAsync();
            });
        }
    }
}
