namespace Collectives.Transport.Rdma;

/// <summary>
/// The pause between empty polls of the completion queue, shared by the progress thread and a
/// caller that polls for itself: a short spin for the first <see cref="RdmaTuning.SpinPolls"/>
/// polls, then a yield of the core per poll. Polling back to back measured several times slower:
/// ranks often outnumber cores, so a poller that never yields keeps the peer it waits for off
/// the core for the rest of a time slice, and over the shm provider every poll also contends
/// with the peer's for the lock on the shared queues.
/// </summary>
internal struct PollBackoff
{
    private int _emptyPolls;

    /// <summary>Empty polls since the last reset.</summary>
    public readonly int EmptyPolls => _emptyPolls;

    /// <summary>Pauses after an empty poll.</summary>
    public void Pause()
    {
        if (++_emptyPolls < RdmaTuning.SpinPolls)
        {
            Thread.SpinWait(20);
        }
        else
        {
            Thread.Yield();
        }
    }

    /// <summary>Something arrived: the next empty poll spins again.</summary>
    public void Reset() => _emptyPolls = 0;
}
