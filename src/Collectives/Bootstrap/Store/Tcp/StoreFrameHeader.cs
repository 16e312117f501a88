namespace Collectives.Bootstrap;

/// <summary>
/// The fixed 12-byte head of every store frame, little-endian:
/// <code>0 body length u32   4 opcode u8   5 status u8 (0 in requests)   6 reserved u16 (0)   8 request id u32</code>
/// </summary>
internal readonly record struct StoreFrameHeader(int BodyLength, StoreOpcode Opcode, StoreStatus Status, uint RequestId)
{
    public const int Size = 12;
}
