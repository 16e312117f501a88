namespace Collectives.Transport.Rdma;

/// <summary>
/// Where a payload goes in a receive ring. The sender allocates and the receiver replays the same
/// arithmetic in frame order, so the position never travels on the wire (a corrupt or hostile
/// message cannot point a receiver outside its ring). Positions are cumulative byte counts; a
/// payload that would straddle the ring's end starts over at its beginning, and so does one the
/// sender chose to start over (<see cref="StartsOver"/>, told to the receiver by a flag on the
/// frame's message), the skipped tail counted as used until the payload is released.
/// </summary>
internal static class RingAllocation
{
    /// <summary>
    /// Whether the next payload should start over at the ring's beginning although it fits at the
    /// head: once the head is <paramref name="hotWindow"/> bytes or more into the lap, as soon as
    /// the receiver has released the lap's first <paramref name="length"/> bytes
    /// (<paramref name="freed"/> is its cumulative release). Payloads then cycle through the
    /// first few frames' worth of the ring, whose lines the receiving core still holds in its
    /// caches from the last frames, instead of walking the whole ring through memory.
    /// </summary>
    public static bool StartsOver(long head, long capacity, long hotWindow, int length, long freed)
    {
        long position = head % capacity;
        return position >= hotWindow && position + length <= capacity && head - position + length <= freed;
    }

    /// <summary>
    /// Allocates <paramref name="length"/> bytes at <paramref name="head"/> (advanced past them),
    /// from the ring's beginning when <paramref name="startOver"/>; returns the payload's cumulative start.
    /// </summary>
    public static long Allocate(ref long head, long capacity, int length, bool startOver = false)
    {
        long position = head % capacity;
        if (position != 0 && (startOver || position + length > capacity))
        {
            head += capacity - position;
        }
        long start = head;
        head += length;
        return start;
    }
}
