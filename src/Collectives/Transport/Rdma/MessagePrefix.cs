using System.Buffers.Binary;

namespace Collectives.Transport.Rdma;

/// <summary>
/// The 32 bytes an RDMA link puts before every tagged message, little-endian:
/// <code>
///  0 kind u8   1 flags u8 (bit 0: a ring frame that starts over at the ring's beginning)   2 reserved u16
///  4 sequence u32 (frame messages; the frame's sequence for a clear-to-send)
///  8 freed message slots u64   16 freed ring bytes u64   24 reserved u64
/// </code>
/// The two counters are cumulative credits the writer returns for the reader's sends: message
/// slots it reposted and bytes of its receive ring it released. Every message carries them, so a
/// reader takes the larger of what it knew and what it reads, in whatever order messages arrive.
/// </summary>
internal readonly record struct MessagePrefix(MessageKind Kind, uint Sequence, ulong FreedMessages, ulong FreedRingBytes,
    bool StartsOverRing = false)
{
    private const byte StartsOverRingFlag = 1;

    /// <summary>Whether the message goes to the control receives (credits, clear-to-send, windows), not the frame receives.</summary>
    public bool IsControl => Kind is MessageKind.Credit or MessageKind.ClearToSend or MessageKind.Window;

    public void Write(Span<byte> destination)
    {
        destination[0] = (byte)Kind;
        destination[1] = StartsOverRing ? StartsOverRingFlag : (byte)0;
        BinaryPrimitives.WriteUInt16LittleEndian(destination[2..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], Sequence);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], FreedMessages);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[16..], FreedRingBytes);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[24..], 0);
    }

    /// <summary>Reads a prefix; false when the message is too short, names no known kind or sets an unknown flag.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out MessagePrefix prefix)
    {
        prefix = default;
        if (source.Length < RdmaTuning.MessagePrefixBytes || source[0] is < (byte)MessageKind.InlineFrame or > (byte)MessageKind.Window ||
            (source[1] & ~StartsOverRingFlag) != 0)
        {
            return false;
        }
        prefix = new MessagePrefix((MessageKind)source[0], BinaryPrimitives.ReadUInt32LittleEndian(source[4..]),
            BinaryPrimitives.ReadUInt64LittleEndian(source[8..]), BinaryPrimitives.ReadUInt64LittleEndian(source[16..]),
            (source[1] & StartsOverRingFlag) != 0);
        return true;
    }
}
