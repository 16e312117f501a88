namespace Collectives.Transport.SharedMemory;

/// <summary>Every number that tunes the shared-memory transport, each with the reason for its value.</summary>
internal static class SharedMemoryTuning
{
    /// <summary>Records start on a cache line, so a header never shares a line with the previous payload's tail.</summary>
    public const int RecordAlignment = 64;

    /// <summary>
    /// Once the producer is past this offset it starts over at offset 0 as soon as the record fits
    /// there, so a stream of small frames keeps cycling through the same few cache lines (hot in
    /// L2), and large frames reuse the same few MiB (hot in L3) instead of walking the whole ring.
    /// </summary>
    public const long HotWindowBytes = 256 << 10;

    /// <summary>
    /// Part of the spin that only pauses; after it the spin yields the core between looks. Short,
    /// because the peer may be waiting for this very core: when ranks outnumber cores, or other
    /// processes crowd two ranks onto one core, a longer pause delays the answer by the whole
    /// pause on every step (measured: 8 B all-reduce 28 µs with a 10 µs pause against 3 µs).
    /// A yield costs well under a microsecond when nothing else wants the core.
    /// </summary>
    public static readonly TimeSpan PauseSpin = TimeSpan.FromMicroseconds(2);

    /// <summary>How often a thread waiting on a link checks that the peer process still lives (and the longest idle sleep).</summary>
    public static readonly TimeSpan LivenessPeriod = TimeSpan.FromMilliseconds(100);

    /// <summary>First and longest pause between looks for a peer's segment or acknowledgement while connecting.</summary>
    public static readonly TimeSpan ConnectPollFirst = TimeSpan.FromMilliseconds(1);

    public static readonly TimeSpan ConnectPollMax = TimeSpan.FromMilliseconds(20);

    /// <summary>A segment without a valid preamble this old is debris (its creator writes the preamble within microseconds).</summary>
    public static readonly TimeSpan MalformedSegmentGrace = TimeSpan.FromMinutes(1);

    /// <summary>Frames a receiver may hold undisposed at once; more means the caller forgot to dispose them.</summary>
    public const int MaxOutstandingLends = 64;

    /// <summary>How long a reader waits for a peer to finish writing its abort reason before reporting it without one.</summary>
    public static readonly TimeSpan AbortWriteWait = TimeSpan.FromSeconds(1);
}
