namespace Collectives.Transport.Rdma;

/// <summary>
/// The completion data a payload write carries to the receiver: <c>link id (20 bits) | frame
/// sequence modulo 4096 (12 bits)</c>. 32 bits, because verbs and efa carry no more.
/// </summary>
internal static class WriteToken
{
    public const int SequenceBits = 12;

    /// <summary>Largest link id a token can name; a transport makes at most this many links in its life.</summary>
    public const uint MaxLink = (1u << (32 - SequenceBits)) - 1;

    public static ulong Encode(uint link, uint sequence) => ((ulong)link << SequenceBits) | (sequence & ((1u << SequenceBits) - 1));

    public static uint Link(ulong data) => (uint)(data >> SequenceBits) & MaxLink;

    public static uint Sequence(ulong data) => (uint)data & ((1u << SequenceBits) - 1);
}
