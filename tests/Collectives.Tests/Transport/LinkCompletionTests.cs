using Collectives.Transport;

namespace Collectives.Tests.Transport;

/// <summary>
/// The reusable completion a link's parked send or receive hands out, and its hook that lets the
/// awaiting thread drive progress before it parks (the RDMA link polls there).
/// </summary>
public sealed class LinkCompletionTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task AwaitingAPendingRoundRunsTheHookOnTheAwaitingThreadOnceThenTheResultArrives()
    {
        int hookThread = -1;
        int hookRuns = 0;
        var completion = new LinkCompletion<int>(beforePark: () =>
        {
            Interlocked.Increment(ref hookRuns);
            hookThread = Environment.CurrentManagedThreadId;
        });
        completion.Reset();
        ValueTask<int> pending = completion.AsValueTaskOfResult();
        int awaitingThread = -1;
        Task<int> awaiting = Task.Run(async () =>
        {
            awaitingThread = Environment.CurrentManagedThreadId;
            return await pending;
        });
        while (Volatile.Read(ref hookRuns) == 0)
        {
            await Task.Delay(1);
        }
        Assert.False(awaiting.IsCompleted);
        completion.SetResult(42);
        Assert.Equal(42, await awaiting.WaitAsync(Guard));
        Assert.Equal(1, hookRuns);
        Assert.Equal(awaitingThread, hookThread);
    }

    [Fact]
    public async Task AHookThatCompletesTheRoundItselfStillHandsTheResultToTheAwaiter()
    {
        LinkCompletion<int>? completion = null;
        completion = new LinkCompletion<int>(beforePark: () => completion!.SetResult(7)); // the poll found the completion
        completion.Reset();
        Assert.Equal(7, await completion.AsValueTaskOfResult().AsTask().WaitAsync(Guard));
    }

    [Fact]
    public async Task ARoundAlreadyFinishedNeverRunsTheHookAndRoundsReuseTheCompletion()
    {
        int hookRuns = 0;
        var completion = new LinkCompletion<bool>(beforePark: () => hookRuns++);
        for (int round = 0; round < 3; round++)
        {
            completion.Reset();
            var cancellation = default(CancellationTokenRegistration);
            completion.Finish(ref cancellation, true, null);
            await completion.AsValueTask();
        }
        Assert.Equal(0, hookRuns);
    }

    [Fact]
    public async Task AFailedRoundThrowsItsErrorAfterTheHook()
    {
        LinkCompletion<bool>? completion = null;
        var cancellation = default(CancellationTokenRegistration);
        completion = new LinkCompletion<bool>(beforePark: () => completion!.Finish(ref cancellation, false, new IOException("lost")));
        completion.Reset();
        IOException error = await Assert.ThrowsAsync<IOException>(() => completion.AsValueTask().AsTask().WaitAsync(Guard));
        Assert.Equal("lost", error.Message);
    }
}
