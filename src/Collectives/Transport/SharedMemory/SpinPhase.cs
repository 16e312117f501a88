using System.Diagnostics;

namespace Collectives.Transport.SharedMemory;

/// <summary>
/// The bounded poll before an operation parks: pause-spin for <see cref="SharedMemoryTuning.PauseSpin"/>,
/// then yield the core between looks until the spin time is spent.
/// </summary>
internal struct SpinPhase
{
    private static readonly long PauseTicks = TicksOf(SharedMemoryTuning.PauseSpin);

    private readonly long _pauseUntil;
    private readonly long _yieldUntil;
    private int _looks;

    public SpinPhase(long spinTicks)
    {
        long now = Stopwatch.GetTimestamp();
        _pauseUntil = now + Math.Min(spinTicks, PauseTicks);
        _yieldUntil = now + spinTicks;
    }

    public static long TicksOf(TimeSpan spin) => (long)(spin.TotalSeconds * Stopwatch.Frequency);

    /// <summary>Waits a moment; false once the spin time is spent.</summary>
    public bool Next()
    {
        // The clock costs about as much as a pause: read it on every fourth look only.
        if ((++_looks & 3) != 0)
        {
            Thread.SpinWait(1);
            return true;
        }
        long now = Stopwatch.GetTimestamp();
        if (now < _pauseUntil)
        {
            Thread.SpinWait(1);
            return true;
        }
        if (now < _yieldUntil)
        {
            Thread.Yield();
            return true;
        }
        return false;
    }
}
