namespace Collectives.Transport.Faults;

/// <summary>
/// Which header field an injected corruption changes. Only fields the receiver checks against
/// its own call (sequence number, chunk offset, element count) are corrupted, after the sender's
/// CRC would be computed: the CRC catches flipped bits on the way (FrameHeaderTests,
/// TcpLinkTests cover that), these model corruption it cannot see, which the per-call checks must.
/// </summary>
public enum HeaderCorruption : byte
{
    None = 0,
    Sequence = 1,
    ChunkOffset = 2,
    Count = 3,
}
