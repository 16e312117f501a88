using Collectives.Tests.Harness;

namespace Collectives.Tests.Communication;

/// <summary>Every wait has a deadline; a timeout names the ranks that were missing; cancellation stops the call and the peers.</summary>
public sealed class DeadlineAndCancellationTests
{
    [Fact]
    public async Task ARankThatNeverCallsIsNamedByTheTimeout()
    {
        // Recursive doubling, so both present ranks wait on the missing one (see below).
        Communicator[] group = Communicator.CreateLocalGroup(3, new CommunicatorOptions
        {
            Timeout = TimeSpan.FromMilliseconds(500),
            Algorithm = "allreduce=recursive-doubling",
        });
        // Ranks 0 and 2 all-reduce; rank 1 never shows up.
        Exception?[] errors = await RankRunner.RunCollectingAsync([group[0], group[2]],
            c => c.AllReduceAsync<float>(new float[16], ReduceOp.Sum).AsTask());
        // Rank 0 folds its data into rank 1 and rank 2's partner is rank 1, so both wait for
        // rank 1. Whichever deadline passes first, each message names rank 1: a rank's own
        // timeout says so, or it appends what it was waiting for to the other's timeout.
        foreach (Exception? error in errors)
        {
            var timeout = Assert.IsType<CollectiveTimeoutException>(error);
            Assert.Contains("timed out after 0.5 s", timeout.Message);
            Assert.Matches("waiting to (send to|receive from|exchange data with) rank 1", timeout.Message);
            Assert.Equal(TimeSpan.FromMilliseconds(500), timeout.Timeout);
        }
        // The late rank learns what happened when it finally calls.
        var late = await Assert.ThrowsAnyAsync<CollectiveException>(() => group[1].AllReduceAsync<float>(new float[16], ReduceOp.Sum).AsTask());
        Assert.Contains("timed out", late.Message);
        await RankRunner.DisposeAllAsync(group);
    }

    [Fact]
    public async Task CancellingACallInFlightThrowsCanceledAndFailsThePeers()
    {
        Communicator[] group = Communicator.CreateLocalGroup(2, new CommunicatorOptions { Timeout = TimeSpan.FromSeconds(30) });
        using var cancel = new CancellationTokenSource();
        Task first = group[0].AllReduceAsync<int>(new int[8], ReduceOp.Sum, cancel.Token).AsTask();
        await Task.Delay(50);
        cancel.Cancel();
        var canceled = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        Assert.Equal(cancel.Token, canceled.CancellationToken);
        Assert.True(group[0].IsBroken);
        var peer = await Assert.ThrowsAsync<PeerLostException>(() => group[1].AllReduceAsync<int>(new int[8], ReduceOp.Sum).AsTask());
        Assert.Contains("cancelled", peer.Message);
        await RankRunner.DisposeAllAsync(group);
    }

    [Fact]
    public async Task AnAlreadyCancelledTokenStopsTheCall()
    {
        Communicator[] group = Communicator.CreateLocalGroup(2, new CommunicatorOptions { Timeout = TimeSpan.FromSeconds(30) });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => group[0].BarrierAsync(new CancellationToken(canceled: true)).AsTask());
        await RankRunner.DisposeAllAsync(group);
    }
}
