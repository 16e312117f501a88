namespace Collectives.Transport.SharedMemory;

/// <summary>
/// What the two ends of a link share when both live in this process (tests, or two endpoints of
/// one job in one process): the first abort reason as the very object its raiser passed, so both
/// ends report the same reason rather than one end a decoded copy.
/// </summary>
internal sealed class LocalPair
{
    private AbortReason? _reason;

    public AbortReason? Reason => Volatile.Read(ref _reason);

    public void Offer(AbortReason reason) => Interlocked.CompareExchange(ref _reason, reason, null);
}
