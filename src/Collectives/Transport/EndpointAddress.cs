using System.Buffers.Binary;
using System.Text;

namespace Collectives.Transport;

/// <summary>
/// What one endpoint publishes through the store: its host identity and, per transport it
/// runs, that transport's opaque address blob. Encoded by hand, versioned and bounded:
/// <code>
/// magic u32 "CLEA" | version u8 | host id: len u8 + UTF-8 | count u8 | count × (name: len u8 + ASCII | blob: len u16 + bytes)
/// </code>
/// </summary>
public sealed record EndpointAddress(string HostId, IReadOnlyList<(string Transport, byte[] Blob)> Transports)
{
    public const uint Magic = 0x41454C43; // "CLEA"
    public const byte Version = 1;

    /// <summary>Caps that bound what a parser accepts (and so what a hostile blob can make it allocate).</summary>
    public const int MaxTransports = 8;

    public const int MaxBlobLength = 4096;

    public byte[] Encode()
    {
        byte[] host = Encoding.UTF8.GetBytes(HostId);
        if (host.Length > byte.MaxValue || Transports.Count > MaxTransports)
        {
            throw new ArgumentException("Host id longer than 255 bytes or more than 8 transports.");
        }
        using var stream = new MemoryStream();
        Span<byte> scratch = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(scratch, Magic);
        stream.Write(scratch);
        stream.WriteByte(Version);
        stream.WriteByte((byte)host.Length);
        stream.Write(host);
        stream.WriteByte((byte)Transports.Count);
        foreach ((string name, byte[] blob) in Transports)
        {
            byte[] nameBytes = Encoding.ASCII.GetBytes(name);
            if (nameBytes.Length > byte.MaxValue || blob.Length > MaxBlobLength)
            {
                throw new ArgumentException($"Transport '{name}' has a name over 255 bytes or an address over {MaxBlobLength} bytes.");
            }
            stream.WriteByte((byte)nameBytes.Length);
            stream.Write(nameBytes);
            BinaryPrimitives.WriteUInt16LittleEndian(scratch, (ushort)blob.Length);
            stream.Write(scratch[..2]);
            stream.Write(blob);
        }
        return stream.ToArray();
    }

    /// <summary>Parses an encoded address; false (never an exception) for anything malformed.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> source, out EndpointAddress? address)
    {
        address = null;
        if (source.Length < 7 || BinaryPrimitives.ReadUInt32LittleEndian(source) != Magic || source[4] != Version)
        {
            return false;
        }
        int position = 5;
        if (!TryReadString(source, ref position, Encoding.UTF8, out string host) || position >= source.Length)
        {
            return false;
        }
        int count = source[position++];
        if (count > MaxTransports)
        {
            return false;
        }
        var transports = new List<(string, byte[])>(count);
        for (int i = 0; i < count; i++)
        {
            if (!TryReadString(source, ref position, Encoding.ASCII, out string name) || position + 2 > source.Length)
            {
                return false;
            }
            int length = BinaryPrimitives.ReadUInt16LittleEndian(source[position..]);
            position += 2;
            if (length > MaxBlobLength || position + length > source.Length)
            {
                return false;
            }
            transports.Add((name, source.Slice(position, length).ToArray()));
            position += length;
        }
        if (position != source.Length)
        {
            return false;
        }
        address = new EndpointAddress(host, transports);
        return true;
    }

    /// <summary>The blob this endpoint published for <paramref name="transport"/>, or null.</summary>
    public byte[]? BlobFor(string transport)
    {
        foreach ((string name, byte[] blob) in Transports)
        {
            if (name == transport)
            {
                return blob;
            }
        }
        return null;
    }

    private static bool TryReadString(ReadOnlySpan<byte> source, ref int position, Encoding encoding, out string value)
    {
        value = "";
        if (position >= source.Length)
        {
            return false;
        }
        int length = source[position++];
        if (position + length > source.Length)
        {
            return false;
        }
        value = encoding.GetString(source.Slice(position, length));
        position += length;
        return true;
    }
}
