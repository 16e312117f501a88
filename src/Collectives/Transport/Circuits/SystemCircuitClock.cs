using System.Diagnostics;

namespace Collectives.Transport.Circuits;

/// <summary>
/// Wakes paced frames on time without burning the machine's cores: one pacing thread keeps
/// the pending wake-ups in deadline order, sleeps in 1 ms slices (all .NET offers without native
/// code) while the next is far off, and yields the core in a loop only for the last stretch
/// (under about a millisecond), where a sleep would overshoot. Awaiters continue on the thread
/// pool, never on the pacing thread. Task.Delay and timed event waits are no use here: on this
/// Linux they wake 1-7 ms late for a 1 ms wait, where Thread.Sleep(1) takes 1.05-1.1 ms.
/// </summary>
public sealed class SystemCircuitClock : ICircuitClock
{
    /// <summary>A blocking wait of n ms wakes 50-100 µs late on Linux (timer slack plus wake-up); block only until this much before a deadline.</summary>
    public const double WakeMarginSeconds = 150e-6;

    /// <summary>What one Thread.Sleep(1) takes, about: the pacing thread sleeps while a deadline is further off than this plus the margin.</summary>
    private const double SleepSliceSeconds = 1.1e-3;

    /// <summary>Longest the idle pacing thread blocks before looking again: only a safety net, new wake-ups signal it.</summary>
    private const int IdleWaitMilliseconds = 1000;

    private static readonly double TicksToSeconds = 1.0 / Stopwatch.Frequency;

    private readonly object _lock = new();
    private readonly PriorityQueue<TaskCompletionSource, double> _pending = new();
    private readonly AutoResetEvent _signal = new(false);
    private Thread? _thread;

    /// <summary>The one clock of a process: one pacing thread serves every emulated link.</summary>
    public static SystemCircuitClock Shared { get; } = new();

    public double Now => Stopwatch.GetTimestamp() * TicksToSeconds;

    public ValueTask WaitUntilAsync(double time, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (time <= Now)
        {
            return ValueTask.CompletedTask;
        }
        var wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            _pending.Enqueue(wake, time);
            if (_thread is null)
            {
                _thread = new Thread(Pace) { IsBackground = true, Name = "collectives circuit pacing" };
                _thread.Start();
            }
        }
        _signal.Set();
        return cancellationToken.CanBeCanceled ? Cancellable(wake, cancellationToken) : new ValueTask(wake.Task);
    }

    // The pending entry stays queued after a cancellation; the pacing thread drops it when due (TrySetResult does nothing).
    private static async ValueTask Cancellable(TaskCompletionSource wake, CancellationToken cancellationToken)
    {
        using CancellationTokenRegistration registration = cancellationToken.Register(
            static state => ((TaskCompletionSource)state!).TrySetCanceled(), wake);
        await wake.Task.ConfigureAwait(false);
    }

    private void Pace()
    {
        while (true)
        {
            double next;
            lock (_lock)
            {
                double now = Now;
                while (_pending.TryPeek(out TaskCompletionSource? due, out double time) && time <= now)
                {
                    _pending.Dequeue();
                    due.TrySetResult();
                }
                next = _pending.TryPeek(out _, out double first) ? first : double.PositiveInfinity;
            }
            double remaining = next - Now;
            if (double.IsPositiveInfinity(remaining))
            {
                // Nothing to pace: block until a wait arrives (signalled, so this wait's own precision does not matter).
                _signal.WaitOne(IdleWaitMilliseconds);
            }
            else if (remaining > WakeMarginSeconds + SleepSliceSeconds)
            {
                // Thread.Sleep is the precise one (an event's timed wait wakes 1-3 ms late here); slices of one
                // millisecond notice a nearer deadline that arrives meanwhile.
                Thread.Sleep(1);
            }
            else if (remaining > 0)
            {
                Thread.Yield();
            }
        }
    }
}
