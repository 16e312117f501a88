using System.Buffers.Binary;
using System.Text;

namespace Collectives.Transport.SharedMemory;

/// <summary>
/// The shared-memory transport's address blob: who the endpoint is and which process runs it,
/// enough for a peer on the same host to name the pair's segment and this endpoint's doorbell.
/// Hand-written, versioned and bounded, little-endian:
/// <code>
///  0 magic u32 "CLSM"   4 version u8   5 reserved u8 (0)   6 reserved u16 (0)
///  8 job hash u64      16 endpoint i32   20 pid i32   24 process start time i64   32 instance u64
/// 40 pid namespace u64
/// 48 host id: length u8 + UTF-8; nothing after it
/// </code>
/// </summary>
internal sealed record SharedMemoryAddress(string HostId, ulong JobHash, int Endpoint, ProcessIdentity Process, ulong Instance)
{
    public const uint Magic = 0x4D534C43; // "CLSM"
    public const byte Version = 1;

    private const int FixedLength = 48;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public byte[] Encode()
    {
        byte[] host = StrictUtf8.GetBytes(HostId);
        if (host.Length > byte.MaxValue)
        {
            throw new ArgumentException($"The host id '{HostId}' is longer than 255 UTF-8 bytes.", nameof(HostId));
        }
        byte[] blob = new byte[FixedLength + 1 + host.Length];
        Span<byte> span = blob;
        BinaryPrimitives.WriteUInt32LittleEndian(span, Magic);
        span[4] = Version;
        BinaryPrimitives.WriteUInt64LittleEndian(span[8..], JobHash);
        BinaryPrimitives.WriteInt32LittleEndian(span[16..], Endpoint);
        BinaryPrimitives.WriteInt32LittleEndian(span[20..], Process.Pid);
        BinaryPrimitives.WriteInt64LittleEndian(span[24..], Process.StartTime);
        BinaryPrimitives.WriteUInt64LittleEndian(span[32..], Instance);
        BinaryPrimitives.WriteUInt64LittleEndian(span[40..], Process.PidNamespace);
        span[FixedLength] = (byte)host.Length;
        host.CopyTo(span[(FixedLength + 1)..]);
        return blob;
    }

    /// <summary>Parses a blob; false (never an exception) for anything malformed, truncated or extended.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> source, out SharedMemoryAddress? address)
    {
        address = null;
        if (source.Length < FixedLength + 1 || BinaryPrimitives.ReadUInt32LittleEndian(source) != Magic ||
            source[4] != Version || source[5] != 0 || BinaryPrimitives.ReadUInt16LittleEndian(source[6..]) != 0)
        {
            return false;
        }
        int endpoint = BinaryPrimitives.ReadInt32LittleEndian(source[16..]);
        int pid = BinaryPrimitives.ReadInt32LittleEndian(source[20..]);
        long startTime = BinaryPrimitives.ReadInt64LittleEndian(source[24..]);
        ulong instance = BinaryPrimitives.ReadUInt64LittleEndian(source[32..]);
        int hostLength = source[FixedLength];
        if (endpoint < 0 || pid <= 0 || startTime < 0 || instance == 0 || source.Length != FixedLength + 1 + hostLength)
        {
            return false;
        }
        string host;
        try
        {
            host = StrictUtf8.GetString(source.Slice(FixedLength + 1, hostLength));
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
        address = new SharedMemoryAddress(host, BinaryPrimitives.ReadUInt64LittleEndian(source[8..]), endpoint,
            new ProcessIdentity(pid, startTime, BinaryPrimitives.ReadUInt64LittleEndian(source[40..])), instance);
        return true;
    }
}
