using System.Threading.Tasks.Sources;

namespace Collectives.Threading;

/// <summary>
/// A one-shot completion that can be reset and awaited again, so hot paths wait without
/// allocating a Task per wait. Exactly one awaiter per round; the first completion wins.
/// Continuations run asynchronously: a completer (often another rank's task) must never run
/// the waiter's code inline while it holds its own locks.
/// </summary>
internal sealed class ReusableCompletion : IValueTaskSource
{
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
    private int _completed;

    /// <summary>The version of the current round; completions for older rounds are ignored.</summary>
    public short Version => _core.Version;

    public ValueTask AsValueTask() => new(this, _core.Version);

    public bool TrySetResult()
    {
        if (Interlocked.Exchange(ref _completed, 1) != 0)
        {
            return false;
        }
        _core.SetResult(true);
        return true;
    }

    public bool TrySetException(Exception exception)
    {
        if (Interlocked.Exchange(ref _completed, 1) != 0)
        {
            return false;
        }
        _core.SetException(exception);
        return true;
    }

    /// <summary>Starts a new round. Only call after the previous round's awaiter has finished.</summary>
    public void Reset()
    {
        _core.Reset();
        Volatile.Write(ref _completed, 0);
    }

    void IValueTaskSource.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token,
        ValueTaskSourceOnCompletedFlags flags) => _core.OnCompleted(continuation, state, token, flags);
}
