using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace Collectives.Transport.Tcp;

/// <summary>
/// The TCP transport's address blob: where an endpoint listens and how it stripes. Hand-written,
/// versioned and bounded, little-endian:
/// <code>
///  0 magic u32 "CLTC"   4 version u8   5 sockets per peer u8   6 stripe threshold i32
/// 10 port u16          12 family u8 (4 or 6)   13 address (4 or 16 bytes)
///  then host id: length u8 + UTF-8; nothing after it
/// </code>
/// </summary>
internal sealed record TcpAddress(string HostId, IPAddress Address, int Port, int SocketsPerPeer, int StripeThreshold)
{
    public const uint Magic = 0x43544C43; // "CLTC"
    public const byte Version = 1;

    private const int FixedLength = 13;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public IPEndPoint EndPoint => new(Address, Port);

    public byte[] Encode()
    {
        byte[] host = Encoding.UTF8.GetBytes(HostId);
        byte[] address = Address.GetAddressBytes();
        if (host.Length > byte.MaxValue)
        {
            throw new ArgumentException($"The host id '{HostId}' is longer than 255 UTF-8 bytes.", nameof(HostId));
        }
        byte[] blob = new byte[FixedLength + address.Length + 1 + host.Length];
        Span<byte> span = blob;
        BinaryPrimitives.WriteUInt32LittleEndian(span, Magic);
        span[4] = Version;
        span[5] = checked((byte)SocketsPerPeer);
        BinaryPrimitives.WriteInt32LittleEndian(span[6..], StripeThreshold);
        BinaryPrimitives.WriteUInt16LittleEndian(span[10..], checked((ushort)Port));
        span[12] = address.Length == 4 ? (byte)4 : (byte)6;
        address.CopyTo(span[FixedLength..]);
        int position = FixedLength + address.Length;
        span[position++] = (byte)host.Length;
        host.CopyTo(span[position..]);
        return blob;
    }

    /// <summary>Parses a blob; false (never an exception) for anything malformed, truncated or extended.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> source, out TcpAddress? address)
    {
        address = null;
        if (source.Length < FixedLength || BinaryPrimitives.ReadUInt32LittleEndian(source) != Magic || source[4] != Version)
        {
            return false;
        }
        int sockets = source[5];
        int threshold = BinaryPrimitives.ReadInt32LittleEndian(source[6..]);
        int port = BinaryPrimitives.ReadUInt16LittleEndian(source[10..]);
        int addressLength = source[12] switch
        {
            4 => 4,
            6 => 16,
            _ => -1,
        };
        if (sockets is < 1 or > TcpTransportOptions.MaxSocketsPerPeer || threshold < 0 || port == 0 || addressLength < 0)
        {
            return false;
        }
        int position = FixedLength;
        if (source.Length < position + addressLength + 1)
        {
            return false;
        }
        var ip = new IPAddress(source.Slice(position, addressLength));
        position += addressLength;
        int hostLength = source[position++];
        if (source.Length != position + hostLength)
        {
            return false;
        }
        string host;
        try
        {
            host = StrictUtf8.GetString(source.Slice(position, hostLength));
        }
        catch (ArgumentException)
        {
            return false; // not UTF-8: a corrupt blob, not a host id
        }
        address = new TcpAddress(host, ip, port, sockets, threshold);
        return true;
    }

    /// <summary>
    /// The can-connect rule, symmetric so both ends of a pair give the same answer: same address
    /// family, and a loopback address only between endpoints of one host.
    /// </summary>
    public bool CanReach(TcpAddress peer) =>
        Address.AddressFamily == peer.Address.AddressFamily &&
        (HostId == peer.HostId || (!IPAddress.IsLoopback(Address) && !IPAddress.IsLoopback(peer.Address)));

    /// <summary>What a link between this endpoint and <paramref name="peer"/> uses: the fewer sockets and the larger threshold, equal at both ends.</summary>
    public StripeLayout LayoutWith(TcpAddress peer) =>
        new(Math.Min(SocketsPerPeer, peer.SocketsPerPeer), Math.Max(StripeThreshold, peer.StripeThreshold));
}
