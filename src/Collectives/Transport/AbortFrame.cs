using System.Buffers.Binary;
using System.Text;
using Collectives.Wire;

namespace Collectives.Transport;

/// <summary>
/// Payload of a <see cref="FrameKind.Abort"/> frame: <c>code u8 | origin rank i32 | UTF-8 message</c>,
/// at most <see cref="MaxLength"/> bytes. Carries an <see cref="AbortReason"/> to the peer.
/// </summary>
public static class AbortFrame
{
    /// <summary>Longest payload; longer messages are cut, never refused.</summary>
    public const int MaxLength = 4096;

    private const int PrefixLength = 5;

    public static byte[] Encode(AbortReason reason)
    {
        byte[] message = Encoding.UTF8.GetBytes(reason.Message);
        int length = Math.Min(message.Length, MaxLength - PrefixLength);
        // Cut on a character boundary so the peer never sees a broken character.
        while (length > 0 && length < message.Length && (message[length] & 0xC0) == 0x80)
        {
            length--;
        }
        byte[] payload = new byte[PrefixLength + length];
        payload[0] = (byte)reason.Code;
        BinaryPrimitives.WriteInt32LittleEndian(payload.AsSpan(1), reason.OriginRank);
        message.AsSpan(0, length).CopyTo(payload.AsSpan(PrefixLength));
        return payload;
    }

    /// <summary>Parses an abort payload; anything malformed still yields a reason (Protocol) rather than an exception.</summary>
    public static AbortReason Decode(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < PrefixLength || payload.Length > MaxLength ||
            payload[0] is < (byte)AbortCode.Aborted or > (byte)AbortCode.Failed)
        {
            return new AbortReason(AbortCode.Protocol, -1, "the peer sent a malformed abort frame");
        }
        string message = Encoding.UTF8.GetString(payload[PrefixLength..]);
        return new AbortReason((AbortCode)payload[0], BinaryPrimitives.ReadInt32LittleEndian(payload[1..]), message);
    }
}
