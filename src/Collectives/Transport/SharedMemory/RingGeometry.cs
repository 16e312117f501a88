using Collectives.Wire;

namespace Collectives.Transport.SharedMemory;

/// <summary>
/// The record format both ends of a ring agree on. A record starts on a cache line and is one of
/// <list type="bullet">
/// <item>a frame: the 64-byte <see cref="FrameHeader"/>, then the payload padded to 64 bytes, all
/// contiguous so the receiver can lend the payload in place. Frames whose payload is above
/// <see cref="InlineLimit"/> send the header record alone and then stream the payload as plain
/// bytes (wrapping at the ring's end), which the receiver copies out as they come;</item>
/// <item>a padding line (<see cref="PaddingMagic"/>): skip to the start of the ring.</item>
/// </list>
/// Head and tail are byte positions that only grow; a position's offset is position &amp; (capacity − 1).
/// </summary>
internal static class RingGeometry
{
    /// <summary>"CPAD": never the first word of a frame header (that is <see cref="FrameHeader.Magic"/>).</summary>
    public const uint PaddingMagic = 0x44415043;

    /// <summary>
    /// Largest payload carried in place. Half the ring less a header, so whenever the ring is
    /// empty any inline record fits, however the wrap falls: (padding to the end) + record ≤ capacity.
    /// </summary>
    public static int InlineLimit(long capacity) =>
        (int)Math.Min(TransportLimits.MaxFramePayload, (capacity / 2) - FrameHeader.Size);

    public static long AlignUp(long bytes) =>
        (bytes + SharedMemoryTuning.RecordAlignment - 1) & ~(long)(SharedMemoryTuning.RecordAlignment - 1);

    public static long RecordBytes(int payloadLength) => FrameHeader.Size + AlignUp(payloadLength);
}
