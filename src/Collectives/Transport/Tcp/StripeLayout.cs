namespace Collectives.Transport.Tcp;

/// <summary>
/// How a link splits frames over its sockets; both ends compute the same layout from the two
/// address blobs. The header and stripe 0 travel on socket 0, stripe i on socket i; a frame at or
/// below the threshold travels whole on socket 0. Each socket is a FIFO and frames are sent one
/// at a time, so stripes of consecutive frames never overtake each other.
/// </summary>
internal readonly record struct StripeLayout(int Sockets, int Threshold)
{
    /// <summary>Stripes start on page boundaries of the payload, so each socket copies whole pages.</summary>
    private const int Alignment = 4096;

    public bool IsStriped(int payloadLength) => Sockets > 1 && payloadLength > Threshold;

    /// <summary>Byte range of stripe <paramref name="index"/> (possibly empty) of a striped payload.</summary>
    public (int Start, int Length) Stripe(int payloadLength, int index)
    {
        long per = ((long)payloadLength + Sockets - 1) / Sockets;
        per = (per + Alignment - 1) / Alignment * Alignment;
        long start = Math.Min(per * index, payloadLength);
        long end = Math.Min(start + per, payloadLength);
        return ((int)start, (int)(end - start));
    }
}
