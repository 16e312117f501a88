using System.Globalization;
using System.Numerics;

namespace Collectives.Transport.SharedMemory;

/// <summary>
/// How the shared-memory transport sizes its rings and waits. Immutable. The ring size of a link
/// is chosen by the endpoint that creates its segment (the lower one) and read by the other,
/// so endpoints with different options still talk.
/// </summary>
public sealed record SharedMemoryTransportOptions
{
    /// <summary>
    /// Bytes of each direction's ring: four 4 MiB frames, so a large transfer streams with the
    /// sender several frames ahead of the receiver. Pages are backed only once touched, and small
    /// traffic stays in the first <see cref="SharedMemoryTuning.HotWindowBytes"/>.
    /// </summary>
    public const int DefaultRingBytes = 16 << 20;

    public const int MinRingBytes = 64 << 10;

    public const int MaxRingBytes = 1 << 30;

    /// <summary>
    /// How long an operation that cannot finish at once keeps polling (pausing for
    /// <see cref="SharedMemoryTuning.PauseSpin"/>, then yielding the core between looks) before it
    /// parks on the progress thread. Parking costs a futex wake and a thread-pool hop at the waiter (20-100 µs
    /// on a busy VM), so the spin must outlast that: a peer that parked answers late, and if the
    /// spin ran out first this end would park too, and both would stay in that slow regime.
    /// </summary>
    public static readonly TimeSpan DefaultSpin = TimeSpan.FromMicroseconds(100);

    /// <summary>
    /// The spin when a host runs more of the job's ranks than it has cores. Parking then costs
    /// two wake-ups (progress thread, then the waiter) that each wait for a core held by another
    /// rank, so polling with yields for longer answers sooner: measured with 8 ranks on 2 cores,
    /// 1 ms against 100 µs cut 128 B all-reduce from 134-236 µs to 66-99 µs and 512 KiB from
    /// 1.5 ms to 0.7-1.1 ms. The spin yields the core between looks, so the ranks it waits for
    /// still run.
    /// </summary>
    public static readonly TimeSpan OversubscribedSpin = TimeSpan.FromMilliseconds(1);

    public static SharedMemoryTransportOptions Default { get; } = new();

    /// <summary>The default options for a host running <paramref name="localRanks"/> of the job's ranks on <paramref name="cores"/> cores.</summary>
    public static SharedMemoryTransportOptions ForLocalRanks(int? localRanks, int cores) =>
        localRanks > cores ? new SharedMemoryTransportOptions { Spin = OversubscribedSpin } : Default;

    /// <summary>Ring bytes per direction of every link this endpoint creates; a power of two.</summary>
    public int RingBytes { get; init; } = DefaultRingBytes;

    /// <summary>Polling time before parking; zero parks at once.</summary>
    public TimeSpan Spin { get; init; } = DefaultSpin;

    internal void Validate()
    {
        if (RingBytes is < MinRingBytes or > MaxRingBytes || !BitOperations.IsPow2(RingBytes))
        {
            throw new ArgumentOutOfRangeException(nameof(RingBytes), RingBytes, string.Create(CultureInfo.InvariantCulture,
                $"SharedMemoryTransportOptions.RingBytes must be a power of two between {MinRingBytes} and {MaxRingBytes}."));
        }
        if (Spin < TimeSpan.Zero || Spin > TimeSpan.FromSeconds(1))
        {
            throw new ArgumentOutOfRangeException(nameof(Spin), Spin, "SharedMemoryTransportOptions.Spin must be between 0 and 1 s.");
        }
    }
}
