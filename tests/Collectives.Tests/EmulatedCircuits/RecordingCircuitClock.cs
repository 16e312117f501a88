using Collectives.Transport.Circuits;

namespace Collectives.Tests.EmulatedCircuits;

/// <summary>
/// A clock that never sleeps: a wait moves time on to its deadline at once and is written down,
/// so tests check the schedule of waits the emulation asks for, not how long anything took.
/// </summary>
internal sealed class RecordingCircuitClock : ICircuitClock
{
    private readonly object _lock = new();
    private readonly List<double> _waits = [];
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

    /// <summary>Every deadline waited for, in order.</summary>
    public IReadOnlyList<double> Waits
    {
        get
        {
            lock (_lock)
            {
                return _waits.ToArray();
            }
        }
    }

    public ValueTask WaitUntilAsync(double time, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            _waits.Add(time);
            _now = Math.Max(_now, time);
        }
        return ValueTask.CompletedTask;
    }
}
