namespace Collectives.Transport.Rdma;

/// <summary>
/// Where a payload goes in a receive ring. The sender allocates and the receiver replays the same
/// arithmetic in frame order, so the position never travels on the wire (a corrupt or hostile
/// message cannot point a receiver outside its ring). Positions are cumulative byte counts; a
/// payload that would straddle the ring's end starts over at its beginning, the skipped tail
/// counted as used until the payload is released.
/// </summary>
internal static class RingAllocation
{
    /// <summary>Allocates <paramref name="length"/> bytes at <paramref name="head"/> (advanced past them); returns the payload's cumulative start.</summary>
    public static long Allocate(ref long head, long capacity, int length)
    {
        long position = head % capacity;
        if (position + length > capacity)
        {
            head += capacity - position;
        }
        long start = head;
        head += length;
        return start;
    }
}
