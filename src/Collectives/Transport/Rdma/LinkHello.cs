using System.Buffers.Binary;
using System.Numerics;

namespace Collectives.Transport.Rdma;

/// <summary>
/// What each end of an RDMA link tells the other over the authenticated control connection
/// before any fabric traffic: the id to tag its messages with, how many messages it may have
/// outstanding, and where to write large payloads. 48 bytes, little-endian:
/// <code>
///  0 magic u32 "CLRH"   4 version u16   6 reserved u16   8 link id u32   12 message slots u32
/// 16 inline payload limit u32   20 reserved u32   24 ring address u64   32 ring key u64   40 ring bytes u64
/// </code>
/// </summary>
internal readonly record struct LinkHello(uint LinkId, int MessageSlots, int InlineLimit, ulong RingAddress, ulong RingKey, long RingBytes)
{
    public const uint Magic = 0x48524C43; // "CLRH"
    public const ushort Version = 1;
    public const int Size = 48;

    /// <summary>Largest receive ring a peer may announce; bounds what a corrupt hello can make a sender plan with.</summary>
    public const long MaxRingBytes = 1L << 32;

    public byte[] Encode()
    {
        byte[] bytes = new byte[Size];
        Span<byte> span = bytes;
        BinaryPrimitives.WriteUInt32LittleEndian(span, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(span[4..], Version);
        BinaryPrimitives.WriteUInt32LittleEndian(span[8..], LinkId);
        BinaryPrimitives.WriteInt32LittleEndian(span[12..], MessageSlots);
        BinaryPrimitives.WriteInt32LittleEndian(span[16..], InlineLimit);
        BinaryPrimitives.WriteUInt64LittleEndian(span[24..], RingAddress);
        BinaryPrimitives.WriteUInt64LittleEndian(span[32..], RingKey);
        BinaryPrimitives.WriteInt64LittleEndian(span[40..], RingBytes);
        return bytes;
    }

    /// <summary>Parses and bounds a hello; null (with the reason) for anything a correct peer never sends.</summary>
    public static LinkHello? TryDecode(ReadOnlySpan<byte> source, out string problem)
    {
        problem = "";
        if (source.Length != Size || BinaryPrimitives.ReadUInt32LittleEndian(source) != Magic)
        {
            problem = "a malformed link hello";
            return null;
        }
        if (BinaryPrimitives.ReadUInt16LittleEndian(source[4..]) != Version)
        {
            problem = $"link hello version {BinaryPrimitives.ReadUInt16LittleEndian(source[4..])} (this build speaks {Version})";
            return null;
        }
        var hello = new LinkHello(BinaryPrimitives.ReadUInt32LittleEndian(source[8..]), BinaryPrimitives.ReadInt32LittleEndian(source[12..]),
            BinaryPrimitives.ReadInt32LittleEndian(source[16..]), BinaryPrimitives.ReadUInt64LittleEndian(source[24..]),
            BinaryPrimitives.ReadUInt64LittleEndian(source[32..]), BinaryPrimitives.ReadInt64LittleEndian(source[40..]));
        problem =
            hello.LinkId is 0 or > WriteToken.MaxLink ? $"link id {hello.LinkId} out of range" :
            hello.MessageSlots is < 2 or > 1 << WriteToken.SequenceBits || !BitOperations.IsPow2(hello.MessageSlots) ? $"{hello.MessageSlots} message slots" :
            hello.InlineLimit is < 0 or > RdmaTuning.InlinePayloadLimit ? $"an inline limit of {hello.InlineLimit} bytes" :
            hello.RingBytes is < 0 or > MaxRingBytes ? $"a {hello.RingBytes}-byte receive ring" :
            "";
        return problem.Length == 0 ? hello : null;
    }
}
