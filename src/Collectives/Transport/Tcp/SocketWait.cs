using System.Net.Sockets;
using System.Threading.Tasks.Sources;

namespace Collectives.Transport.Tcp;

/// <summary>
/// One reusable wait on a socket for one direction, completed by the <see cref="SocketPoller"/>.
/// A link keeps one per socket and direction, so waiting allocates nothing. One waiter per round;
/// continuations run on the thread pool, never on the poller's thread.
/// </summary>
internal sealed class SocketWait(Socket socket, SelectMode mode) : IValueTaskSource
{
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
    private int _completed;

    public Socket Socket { get; } = socket;

    /// <summary><see cref="SelectMode.SelectRead"/> or <see cref="SelectMode.SelectWrite"/>.</summary>
    public SelectMode Mode { get; } = mode;

    /// <summary>Starts a round; only after the previous round's awaiter has finished.</summary>
    public ValueTask Arm()
    {
        _core.Reset();
        Volatile.Write(ref _completed, 0);
        return new ValueTask(this, _core.Version);
    }

    public void Complete()
    {
        if (Interlocked.Exchange(ref _completed, 1) == 0)
        {
            _core.SetResult(true);
        }
    }

    public void Fail(Exception exception)
    {
        if (Interlocked.Exchange(ref _completed, 1) == 0)
        {
            _core.SetException(exception);
        }
    }

    void IValueTaskSource.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
