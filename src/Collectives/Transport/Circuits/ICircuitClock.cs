namespace Collectives.Transport.Circuits;

/// <summary>
/// The time emulated circuits pace frames by. The real one (<see cref="SystemCircuitClock"/>)
/// sleeps; tests inject one that records every wait and moves time on at once, so they can
/// check the schedule of waits instead of timing anything.
/// </summary>
public interface ICircuitClock
{
    /// <summary>Seconds since an arbitrary origin; never goes back.</summary>
    double Now { get; }

    /// <summary>
    /// Completes once <see cref="Now"/> has reached <paramref name="time"/> (at once when it has),
    /// or fails with <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> fires first.
    /// </summary>
    ValueTask WaitUntilAsync(double time, CancellationToken cancellationToken);
}
