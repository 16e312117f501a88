using System.Buffers.Binary;
using System.Text;

namespace Collectives.Transport.Rdma;

/// <summary>
/// The RDMA transport's address blob: which fabric the endpoint is on, its fabric address, and
/// the TCP address of its control connections. Hand-written, versioned and bounded, little-endian:
/// <code>
/// magic u32 "CLRD" | version u8 | host-local u8 | host id: u8 len + UTF-8 | provider: u8 len + ASCII
/// | fabric: u8 len + ASCII | fabric address: u16 len + bytes | control address: u16 len + bytes
/// </code>
/// Host-local fabrics (the shm provider, a tcp provider on loopback) reach only the same host.
/// </summary>
internal sealed record RdmaAddress(string HostId, bool HostLocal, string Provider, string Fabric, byte[] FabricAddress, byte[] ControlAddress)
{
    public const uint Magic = 0x44524C43; // "CLRD"
    public const byte Version = 1;

    /// <summary>Longest fabric or control address a parser accepts (libfabric names are far shorter).</summary>
    public const int MaxPartLength = 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public byte[] Encode()
    {
        using var stream = new MemoryStream();
        Span<byte> scratch = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(scratch, Magic);
        stream.Write(scratch);
        stream.WriteByte(Version);
        stream.WriteByte(HostLocal ? (byte)1 : (byte)0);
        foreach (string text in new[] { HostId, Provider, Fabric })
        {
            byte[] bytes = Encoding.UTF8.GetBytes(text);
            if (bytes.Length > byte.MaxValue)
            {
                throw new ArgumentException($"'{text}' is longer than 255 bytes and cannot go into an RDMA address.");
            }
            stream.WriteByte((byte)bytes.Length);
            stream.Write(bytes);
        }
        foreach (byte[] part in new[] { FabricAddress, ControlAddress })
        {
            if (part.Length > MaxPartLength)
            {
                throw new ArgumentException($"An RDMA address part of {part.Length} bytes exceeds {MaxPartLength}.");
            }
            BinaryPrimitives.WriteUInt16LittleEndian(scratch, (ushort)part.Length);
            stream.Write(scratch[..2]);
            stream.Write(part);
        }
        return stream.ToArray();
    }

    /// <summary>Parses a blob; false (never an exception) for anything malformed, truncated or extended.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> source, out RdmaAddress? address)
    {
        address = null;
        if (source.Length < 6 || BinaryPrimitives.ReadUInt32LittleEndian(source) != Magic || source[4] != Version || source[5] > 1)
        {
            return false;
        }
        int position = 6;
        if (!TryReadText(source, ref position, out string host) || !TryReadText(source, ref position, out string provider) ||
            !TryReadText(source, ref position, out string fabric) || !TryReadPart(source, ref position, out byte[] fabricAddress) ||
            !TryReadPart(source, ref position, out byte[] controlAddress) || position != source.Length || fabricAddress.Length == 0)
        {
            return false;
        }
        address = new RdmaAddress(host, source[5] == 1, provider, fabric, fabricAddress, controlAddress);
        return true;
    }

    /// <summary>
    /// The fabric half of the can-connect rule, symmetric: same provider and fabric, and a
    /// host-local fabric only between endpoints of one host.
    /// </summary>
    public bool SharesFabricWith(RdmaAddress peer) =>
        Provider == peer.Provider && Fabric == peer.Fabric && HostLocal == peer.HostLocal && (!HostLocal || HostId == peer.HostId);

    private static bool TryReadText(ReadOnlySpan<byte> source, ref int position, out string text)
    {
        text = "";
        if (position >= source.Length || position + 1 + source[position] > source.Length)
        {
            return false;
        }
        int length = source[position++];
        try
        {
            text = StrictUtf8.GetString(source.Slice(position, length));
        }
        catch (ArgumentException)
        {
            return false;
        }
        position += length;
        return true;
    }

    private static bool TryReadPart(ReadOnlySpan<byte> source, ref int position, out byte[] part)
    {
        part = [];
        if (position + 2 > source.Length)
        {
            return false;
        }
        int length = BinaryPrimitives.ReadUInt16LittleEndian(source[position..]);
        position += 2;
        if (length > MaxPartLength || position + length > source.Length)
        {
            return false;
        }
        part = source.Slice(position, length).ToArray();
        position += length;
        return true;
    }
}
