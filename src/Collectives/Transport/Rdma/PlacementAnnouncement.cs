using System.Buffers.Binary;

namespace Collectives.Transport.Rdma;

/// <summary>
/// The body of a window control message (after the <see cref="MessagePrefix"/>), little-endian:
/// <code>
///  0 call sequence i64   8 first frame offset i64   16 length i64   24 remote address u64
/// 32 key u64             40 epoch u32               44 reserved u32
/// </code>
/// Frames of call <see cref="Sequence"/> in <see cref="Epoch"/> whose header offset o lies in
/// [Offset, Offset + Length) may be written at <see cref="RemoteAddress"/> + (o − Offset).
/// </summary>
internal readonly record struct PlacementAnnouncement(long Sequence, uint Epoch, long Offset, long Length, ulong RemoteAddress, ulong Key)
{
    public const int Size = 48;

    /// <summary>Whether a frame of <paramref name="length"/> bytes at header <paramref name="offset"/> of this call lies wholly inside.</summary>
    public bool Covers(uint epoch, long sequence, long offset, int length) =>
        sequence == Sequence && epoch == Epoch && offset >= Offset && length > 0 && offset - Offset <= Length - length;

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteInt64LittleEndian(destination, Sequence);
        BinaryPrimitives.WriteInt64LittleEndian(destination[8..], Offset);
        BinaryPrimitives.WriteInt64LittleEndian(destination[16..], Length);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[24..], RemoteAddress);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[32..], Key);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[40..], Epoch);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[44..], 0);
    }

    /// <summary>Reads an announcement; false when it is too short or describes no memory (a negative offset, an empty or negative length).</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out PlacementAnnouncement announcement)
    {
        announcement = default;
        if (source.Length < Size)
        {
            return false;
        }
        announcement = new PlacementAnnouncement(BinaryPrimitives.ReadInt64LittleEndian(source), BinaryPrimitives.ReadUInt32LittleEndian(source[40..]),
            BinaryPrimitives.ReadInt64LittleEndian(source[8..]), BinaryPrimitives.ReadInt64LittleEndian(source[16..]),
            BinaryPrimitives.ReadUInt64LittleEndian(source[24..]), BinaryPrimitives.ReadUInt64LittleEndian(source[32..]));
        return announcement.Offset >= 0 && announcement.Length > 0;
    }
}
