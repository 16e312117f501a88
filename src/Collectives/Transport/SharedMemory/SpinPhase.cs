using System.Diagnostics;

namespace Collectives.Transport.SharedMemory;

/// <summary>
/// The bounded poll before an operation parks: pause-spin for
/// <see cref="SharedMemoryTuning.PauseSpin"/>, then yield the core between looks until the spin
/// time is spent. Yielding lets a peer rank on the same core run, which is what makes the peer's
/// answer arrive when ranks outnumber cores.
/// </summary>
internal struct SpinPhase
{
    private static readonly long PauseTicks = (long)(SharedMemoryTuning.PauseSpin.TotalSeconds * Stopwatch.Frequency);

    private readonly long _pauseUntil;
    private readonly long _yieldUntil;

    public SpinPhase(long spinTicks)
    {
        long now = Stopwatch.GetTimestamp();
        _pauseUntil = now + Math.Min(spinTicks, PauseTicks);
        _yieldUntil = now + spinTicks;
    }

    public static long TicksOf(TimeSpan spin) => (long)(spin.TotalSeconds * Stopwatch.Frequency);

    /// <summary>Waits a moment; false once the spin time is spent.</summary>
    public readonly bool Next()
    {
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
