using System.Buffers.Binary;

namespace Collectives.Security;

/// <summary>
/// The dialer's opening message: who it is, whom it wants, for what, and a fresh nonce. Both
/// proofs of the handshake are computed over these exact bytes, so everything here is bound
/// to the authentication (job, protocol version, epoch, ranks, purpose). 72 bytes:
/// <code>
///  0 magic u32 "CLHS"    4 protocol version u16   6 purpose u8    7 reserved u8 (0)
///  8 job hash u64       16 communicator id u64   24 epoch u32
/// 28 dialer endpoint i32 32 acceptor endpoint i32 36 channel u16  38 reserved u16 (0)
/// 40 dialer nonce (32 bytes)
/// </code>
/// </summary>
public readonly record struct HandshakeHello(
    HandshakePurpose Purpose,
    ulong JobHash,
    ulong CommunicatorId,
    uint Epoch,
    int DialerEndpoint,
    int AcceptorEndpoint,
    ushort Channel,
    ReadOnlyMemory<byte> Nonce)
{
    public const int Size = 72;
    public const int NonceSize = 32;
    public const uint Magic = 0x53484C43; // "CLHS"
    public const ushort ProtocolVersion = 1;

    public void Write(Span<byte> destination)
    {
        if (destination.Length < Size)
        {
            throw new ArgumentException($"A handshake hello needs {Size} bytes.", nameof(destination));
        }
        if (Nonce.Length != NonceSize)
        {
            throw new InvalidOperationException($"The nonce must be {NonceSize} bytes, not {Nonce.Length}.");
        }
        BinaryPrimitives.WriteUInt32LittleEndian(destination, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[4..], ProtocolVersion);
        destination[6] = (byte)Purpose;
        destination[7] = 0;
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], JobHash);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[16..], CommunicatorId);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[24..], Epoch);
        BinaryPrimitives.WriteInt32LittleEndian(destination[28..], DialerEndpoint);
        BinaryPrimitives.WriteInt32LittleEndian(destination[32..], AcceptorEndpoint);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[36..], Channel);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[38..], 0);
        Nonce.Span.CopyTo(destination[40..]);
    }

    /// <summary>Parses a hello; false for anything that is not a well-formed hello of this protocol version.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out HandshakeHello hello)
    {
        hello = default;
        if (source.Length < Size || BinaryPrimitives.ReadUInt32LittleEndian(source) != Magic ||
            BinaryPrimitives.ReadUInt16LittleEndian(source[4..]) != ProtocolVersion ||
            source[7] != 0 || BinaryPrimitives.ReadUInt16LittleEndian(source[38..]) != 0)
        {
            return false;
        }
        var purpose = (HandshakePurpose)source[6];
        if (purpose is not (HandshakePurpose.Link or HandshakePurpose.Store))
        {
            return false;
        }
        hello = new HandshakeHello(purpose,
            BinaryPrimitives.ReadUInt64LittleEndian(source[8..]),
            BinaryPrimitives.ReadUInt64LittleEndian(source[16..]),
            BinaryPrimitives.ReadUInt32LittleEndian(source[24..]),
            BinaryPrimitives.ReadInt32LittleEndian(source[28..]),
            BinaryPrimitives.ReadInt32LittleEndian(source[32..]),
            BinaryPrimitives.ReadUInt16LittleEndian(source[36..]),
            source.Slice(40, NonceSize).ToArray());
        return true;
    }
}
