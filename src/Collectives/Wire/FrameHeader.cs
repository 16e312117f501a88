using System.Buffers.Binary;
using System.Numerics;
using Collectives.Kernels;

namespace Collectives.Wire;

/// <summary>
/// The fixed, versioned header every frame starts with on every transport (DESIGN.md, wire
/// rules). 64 bytes, little-endian:
/// <code>
///  0 magic u32 "COLL"      4 version u16      6 kind u8       7 flags u8 (reserved, 0)
///  8 communicator id u64  16 epoch u32       20 sender rank i32
/// 24 sequence i64         32 collective u8   33 data type u8 34 op u8  35 algorithm u8
/// 36 root i32             40 count i64       48 chunk offset i64
/// 56 payload length i32   60 CRC32C u32 of bytes 0..59
/// </code>
/// The receiver parses and checks it (magic, version, checksum, enum ranges, length caps)
/// before it reads a byte of the payload.
/// </summary>
public readonly record struct FrameHeader(
    FrameKind Kind,
    ulong CommunicatorId,
    uint Epoch,
    int SenderRank,
    long Sequence,
    OperationFingerprint Fingerprint,
    long ChunkOffset,
    int PayloadLength)
{
    /// <summary>Encoded size in bytes.</summary>
    public const int Size = 64;

    /// <summary>"COLL" read as a little-endian u32.</summary>
    public const uint Magic = 0x4C4C4F43;

    /// <summary>Bumped on any incompatible change of the layout or of the meaning of a field.</summary>
    public const ushort ProtocolVersion = 1;

    /// <summary>
    /// Largest payload one frame may announce. Algorithms chunk far below this; the cap only
    /// bounds what a corrupt or hostile header can make a receiver expect.
    /// </summary>
    public const int MaxPayloadLength = 256 << 20;

    private const int ChecksumOffset = 60;

    /// <summary>Writes the header, checksum included, into the first <see cref="Size"/> bytes of <paramref name="destination"/>.</summary>
    public void Write(Span<byte> destination)
    {
        if (destination.Length < Size)
        {
            throw new ArgumentException($"A frame header needs {Size} bytes; the destination has {destination.Length}.", nameof(destination));
        }
        BinaryPrimitives.WriteUInt32LittleEndian(destination, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[4..], ProtocolVersion);
        destination[6] = (byte)Kind;
        destination[7] = 0;
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], CommunicatorId);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[16..], Epoch);
        BinaryPrimitives.WriteInt32LittleEndian(destination[20..], SenderRank);
        BinaryPrimitives.WriteInt64LittleEndian(destination[24..], Sequence);
        destination[32] = (byte)Fingerprint.Collective;
        destination[33] = (byte)Fingerprint.DataType;
        destination[34] = (byte)Fingerprint.Op;
        destination[35] = (byte)Fingerprint.Algorithm;
        BinaryPrimitives.WriteInt32LittleEndian(destination[36..], Fingerprint.Root);
        BinaryPrimitives.WriteInt64LittleEndian(destination[40..], Fingerprint.Count);
        BinaryPrimitives.WriteInt64LittleEndian(destination[48..], ChunkOffset);
        BinaryPrimitives.WriteInt32LittleEndian(destination[56..], PayloadLength);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[ChecksumOffset..], Checksum(destination));
    }

    /// <summary>
    /// Parses and validates a header. Never throws on bad input: returns false with the reason,
    /// so a transport can fail the link with a precise message.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out FrameHeader header, out FrameHeaderError error)
    {
        header = default;
        if (source.Length < Size)
        {
            error = FrameHeaderError.TooShort;
            return false;
        }
        if (BinaryPrimitives.ReadUInt32LittleEndian(source) != Magic)
        {
            error = FrameHeaderError.BadMagic;
            return false;
        }
        if (BinaryPrimitives.ReadUInt16LittleEndian(source[4..]) != ProtocolVersion)
        {
            error = FrameHeaderError.UnsupportedVersion;
            return false;
        }
        if (BinaryPrimitives.ReadUInt32LittleEndian(source[ChecksumOffset..]) != Checksum(source))
        {
            error = FrameHeaderError.BadChecksum;
            return false;
        }
        var kind = (FrameKind)source[6];
        if (kind is not (FrameKind.Data or FrameKind.Abort))
        {
            error = FrameHeaderError.BadKind;
            return false;
        }
        var collective = (CollectiveKind)source[32];
        if (collective is < CollectiveKind.AllReduce or > CollectiveKind.Split)
        {
            error = FrameHeaderError.BadCollective;
            return false;
        }
        var dataType = (DataType)source[33];
        if (!DataTypes.IsDefined(dataType))
        {
            error = FrameHeaderError.BadDataType;
            return false;
        }
        var op = (ReduceOp)source[34];
        if (op is < ReduceOp.Sum or > ReduceOp.BitXor)
        {
            error = FrameHeaderError.BadOp;
            return false;
        }
        var algorithm = (Algorithm)source[35];
        if (!AlgorithmNames.IsDefined(algorithm))
        {
            error = FrameHeaderError.BadAlgorithm;
            return false;
        }
        long count = BinaryPrimitives.ReadInt64LittleEndian(source[40..]);
        if (count < 0)
        {
            error = FrameHeaderError.NegativeCount;
            return false;
        }
        long chunkOffset = BinaryPrimitives.ReadInt64LittleEndian(source[48..]);
        int payloadLength = BinaryPrimitives.ReadInt32LittleEndian(source[56..]);
        if (chunkOffset < 0 || payloadLength < 0)
        {
            error = FrameHeaderError.BadChunk;
            return false;
        }
        if (payloadLength > MaxPayloadLength)
        {
            error = FrameHeaderError.PayloadTooLarge;
            return false;
        }
        header = new FrameHeader(
            kind,
            BinaryPrimitives.ReadUInt64LittleEndian(source[8..]),
            BinaryPrimitives.ReadUInt32LittleEndian(source[16..]),
            BinaryPrimitives.ReadInt32LittleEndian(source[20..]),
            BinaryPrimitives.ReadInt64LittleEndian(source[24..]),
            new OperationFingerprint(collective, dataType, op, algorithm,
                BinaryPrimitives.ReadInt32LittleEndian(source[36..]), count),
            chunkOffset,
            payloadLength);
        error = FrameHeaderError.None;
        return true;
    }

    /// <summary>CRC32C (Castagnoli) of bytes 0..59, with the hardware instruction where present.</summary>
    private static uint Checksum(ReadOnlySpan<byte> header)
    {
        uint crc = 0xFFFFFFFF;
        for (int i = 0; i < ChecksumOffset; i += sizeof(uint))
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt32LittleEndian(header[i..]));
        }
        return ~crc;
    }
}
