namespace Collectives.Transport.SharedMemory;

/// <summary>
/// Byte offsets inside the transport's /dev/shm segments (little-endian, native alignment).
/// Every segment starts with the same preamble, so the stale-segment cleaner can read the owner
/// of any of them:
/// <code>
///   0 magic u64 (written last)   8 layout version u32   12 owner pid i32
///  16 owner start time i64 (/proc/pid/stat field 22)    24 job hash u64   32 total bytes i64
///  40 owner pid namespace u64 (inode of /proc/pid/ns/pid; 0 unknown)
/// </code>
/// A <b>pair segment</b> (one per link, made by the lower endpoint) continues with
/// <code>
///  48 communicator id u64  56 low endpoint i32  60 high endpoint i32  64 low instance u64
///  72 high instance u64    80 ring capacity i64 88 mapper pid i32     92 mapped flag i32
///  96 mapper start time i64  104 mapper pid namespace u64  112 creator tag [32]  144 mapper tag [32]
/// 2048 + 1024·d  control of direction d (0: low→high, 1: high→low), one 128-byte block per
///     word so the two sides never share a cache line (nor its prefetch pair):
///     +0 head i64 (producer)  +128 tail i64 (consumer)  +256 consumer waiting i32  +384 producer waiting i32
/// 4096 abort area: state i32 (0 none, 1 writing, 2 published) | raising end i32 | reason length i32 |
///     4160 the reason as an <see cref="Wire.AbortFrame"/> payload (at most 4096 bytes)
/// 12288 + d·capacity  the ring of direction d
/// </code>
/// A <b>doorbell segment</b> (one per endpoint) holds the futex word at 128 and the sleeper flag at 256.
/// </summary>
internal static class SegmentLayout
{
    public const ulong PairMagic = 0x52494150_48534C43;     // "CLSHPAIR"
    public const ulong DoorbellMagic = 0x4C4C4542_48534C43; // "CLSHBELL"
    public const uint Version = 1;

    public const int MagicOffset = 0;
    public const int VersionOffset = 8;
    public const int OwnerPidOffset = 12;
    public const int OwnerStartTimeOffset = 16;
    public const int JobHashOffset = 24;
    public const int TotalBytesOffset = 32;
    public const int OwnerPidNamespaceOffset = 40;
    public const int PreambleBytes = 48;

    public const int CommunicatorIdOffset = 48;
    public const int LowEndpointOffset = 56;
    public const int HighEndpointOffset = 60;
    public const int LowInstanceOffset = 64;
    public const int HighInstanceOffset = 72;
    public const int RingCapacityOffset = 80;
    public const int MapperPidOffset = 88;
    public const int MappedFlagOffset = 92;
    public const int MapperStartTimeOffset = 96;
    public const int MapperPidNamespaceOffset = 104;
    public const int CreatorTagOffset = 112;
    public const int MapperTagOffset = 144;
    public const int TagBytes = 32;

    public const int AbortStateOffset = 4096;
    public const int AbortRaisingEndOffset = 4100;
    public const int AbortLengthOffset = 4104;
    public const int AbortReasonOffset = 4160;

    public const int AbortNone = 0;
    public const int AbortWriting = 1;
    public const int AbortPublished = 2;

    private const int DirectionControlOffset = 2048;
    private const int DirectionControlBytes = 1024;
    public const int HeadOffset = 0;
    public const int TailOffset = 128;
    public const int ConsumerWaitingOffset = 256;
    public const int ProducerWaitingOffset = 384;

    /// <summary>Bytes before the first ring: the pair header, both directions' control and the abort area.</summary>
    public const int PairHeaderBytes = 12288;

    public const int DoorbellSequenceOffset = 128;
    public const int DoorbellSleepingOffset = 256;
    public const int DoorbellSegmentBytes = 4096;

    public static int ControlOffset(int direction) => DirectionControlOffset + (direction * DirectionControlBytes);

    public static long RingOffset(int direction, long capacity) => PairHeaderBytes + (direction * capacity);

    public static long PairSegmentBytes(long capacity) => PairHeaderBytes + (2 * capacity);
}
