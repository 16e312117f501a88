namespace Collectives.Transport.Rdma;

/// <summary>
/// The 64-bit id posted with every operation and returned in its completion, so the progress
/// thread finds the link and the slot: <c>link id u32 | kind u8 | index u24</c>. Never 0, which
/// the shim reserves for a peer's remote write.
/// </summary>
internal static class OperationContext
{
    public static ulong Encode(uint link, OperationKind kind, int index) =>
        ((ulong)link << 32) | ((ulong)kind << 24) | (uint)(index & 0xFFFFFF);

    public static uint Link(ulong context) => (uint)(context >> 32);

    public static OperationKind Kind(ulong context) => (OperationKind)(byte)(context >> 24);

    public static int Index(ulong context) => (int)(context & 0xFFFFFF);
}
