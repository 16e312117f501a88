using System.Threading.Tasks.Sources;

namespace Collectives.Transport;

/// <summary>
/// The reusable completion of a link's parked send or receive (shared memory, RDMA) (after
/// <see cref="Threading.ReusableCompletion"/>): no allocation per wait, one awaiter per round.
/// The link completes it exactly once per round, under its lock. Continuations run
/// asynchronously: the progress thread must never run a rank's code inline.
/// </summary>
internal sealed class LinkCompletion<T> : IValueTaskSource<T>, IValueTaskSource
{
    private ManualResetValueTaskSourceCore<T> _core = new() { RunContinuationsAsynchronously = true };

    public ValueTask<T> AsValueTaskOfResult() => new(this, _core.Version);

    public ValueTask AsValueTask() => new(this, _core.Version);

    /// <summary>Starts a new round; only after the previous round's awaiter has its result.</summary>
    public void Reset() => _core.Reset();

    public void SetResult(T result) => _core.SetResult(result);

    public void SetException(Exception exception) => _core.SetException(exception);

    /// <summary>
    /// Ends the round with <paramref name="result"/>, or with <paramref name="error"/> when there
    /// is one, after dropping the round's cancellation registration (without waiting for a
    /// callback that may be running: it is the one aborting the link).
    /// </summary>
    public void Finish(ref CancellationTokenRegistration cancellation, T result, Exception? error)
    {
        CancellationTokenRegistration registration = cancellation;
        cancellation = default;
        registration.Unregister();
        if (error is null)
        {
            _core.SetResult(result);
        }
        else
        {
            _core.SetException(error);
        }
    }

    T IValueTaskSource<T>.GetResult(short token) => _core.GetResult(token);

    void IValueTaskSource.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<T>.GetStatus(short token) => _core.GetStatus(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource<T>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
