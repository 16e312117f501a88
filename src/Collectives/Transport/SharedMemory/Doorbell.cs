namespace Collectives.Transport.SharedMemory;

/// <summary>
/// An endpoint's doorbell: a counter in its doorbell segment that peers bump when they have made
/// progress this endpoint waits for (data, ring space, an abort), and that the endpoint's
/// progress thread sleeps on. The futex wake (a system call) happens only when the sleeper flag
/// says the thread is asleep, so ringing an awake endpoint costs one atomic add.
/// </summary>
internal sealed unsafe class Doorbell
{
    private readonly int* _sequence;
    private readonly int* _sleeping;

    public Doorbell(byte* segment)
    {
        _sequence = (int*)(segment + SegmentLayout.DoorbellSequenceOffset);
        _sleeping = (int*)(segment + SegmentLayout.DoorbellSleepingOffset);
    }

    /// <summary>The current count; a sleeper passes it to <see cref="Sleep"/> after its last look at the work.</summary>
    public int Sequence => Volatile.Read(ref *_sequence);

    public void Ring()
    {
        // The add is a full fence, so the sleeper flag is read after the bump is visible: a
        // sleeper either sees the new count (and does not sleep) or is seen here (and woken).
        Interlocked.Increment(ref *_sequence);
        if (Volatile.Read(ref *_sleeping) != 0)
        {
            Futex.WakeAll(_sequence);
        }
    }

    /// <summary>Sleeps until the doorbell rings after <paramref name="observed"/> was read, or the timeout passes.</summary>
    public void Sleep(int observed, TimeSpan timeout)
    {
        Interlocked.Exchange(ref *_sleeping, 1);
        if (Volatile.Read(ref *_sequence) == observed)
        {
            Futex.Wait(_sequence, observed, timeout);
        }
        Volatile.Write(ref *_sleeping, 0);
    }
}
