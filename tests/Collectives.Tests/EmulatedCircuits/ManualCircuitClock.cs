using Collectives.Transport.Circuits;

namespace Collectives.Tests.EmulatedCircuits;

/// <summary>A clock that moves only when the test says: waits stay pending until <see cref="AdvanceTo"/> passes them or they are cancelled.</summary>
internal sealed class ManualCircuitClock : ICircuitClock
{
    private readonly object _lock = new();
    private readonly List<(double Time, TaskCompletionSource Done)> _pending = [];
    private double _now;

    public double Now
    {
        get
        {
            lock (_lock)
            {
                return _now;
            }
        }
    }

    /// <summary>Waits not yet completed or cancelled.</summary>
    public int Pending
    {
        get
        {
            lock (_lock)
            {
                return _pending.Count(p => !p.Done.Task.IsCompleted);
            }
        }
    }

    public async ValueTask WaitUntilAsync(double time, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (time <= _now)
            {
                return;
            }
            _pending.Add((time, done));
        }
        using CancellationTokenRegistration registration = cancellationToken.Register(() => done.TrySetCanceled(cancellationToken));
        await done.Task.ConfigureAwait(false);
    }

    public void AdvanceTo(double time)
    {
        List<TaskCompletionSource> due;
        lock (_lock)
        {
            _now = Math.Max(_now, time);
            due = _pending.Where(p => p.Time <= _now).Select(p => p.Done).ToList();
            _pending.RemoveAll(p => p.Time <= _now);
        }
        foreach (TaskCompletionSource done in due)
        {
            done.TrySetResult();
        }
    }
}
