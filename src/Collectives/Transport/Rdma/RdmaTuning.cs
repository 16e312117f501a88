namespace Collectives.Transport.Rdma;

/// <summary>Every number that shapes the RDMA transport, each with its reason, in one place.</summary>
internal static class RdmaTuning
{
    /// <summary>
    /// Frames with at most this much payload travel inside their tagged message (one copy into a
    /// registered staging slot, lent in place at the receiver). Kept under tcp;ofi_rxm's 16 KiB
    /// eager limit, so such a message never takes rxm's rendezvous round trip; larger payloads go
    /// by one-sided write straight from the sender's memory, where a copy would cost more.
    /// </summary>
    public const int InlinePayloadLimit = 8 << 10;

    /// <summary>Bytes of the link's own prefix on every message (kind, sequence, returned credits).</summary>
    public const int MessagePrefixBytes = 32;

    /// <summary>One frame message slot: prefix, frame header and the largest inline payload, in cache lines.</summary>
    public const int MessageSlotBytes = (MessagePrefixBytes + Wire.FrameHeader.Size + InlinePayloadLimit + 63) & ~63;

    /// <summary>
    /// Pre-posted receives per link for frame messages, and so the frames a sender may have
    /// outstanding (less one kept back for the final message that carries an abort reason).
    /// Enough that a ring step's frames never wait for credits; a power of two, so a sequence
    /// number modulo it indexes the reorder buffer. At most 4096: write tokens carry 12 bits of it.
    /// </summary>
    public const int MessageSlots = 32;

    /// <summary>
    /// Slots of inline frames a receiver may owe before it returns them in a credit message of its
    /// own (until then they ride on its frames going the other way). A quarter of the slots: the
    /// sender keeps most of its window, and a ping-pong of small frames sends no credit messages.
    /// </summary>
    public const ulong InlineCreditBatch = MessageSlots / 4;

    /// <summary>Pre-posted receives per link for control messages (credits, clear-to-send, windows); at most three are in flight by protocol.</summary>
    public const int ControlSlots = 4;

    /// <summary>A control message: the prefix plus the largest body (a window's announcement), in cache lines.</summary>
    public const int ControlSlotBytes = (MessagePrefixBytes + PlacementAnnouncement.Size + 63) & ~63;

    /// <summary>Staging slots for outgoing control messages: one credit, one clear-to-send and one window in flight, one spare.</summary>
    public const int ControlStagingSlots = 4;

    /// <summary>
    /// The smallest region a placement window is offered for: below it every frame is inline or
    /// nearly so, and the window's registration and announcement cost more than the copies it saves.
    /// </summary>
    public const int MinPlacementBytes = 4 * InlinePayloadLimit;

    /// <summary>
    /// The receive ring each end exposes to its peer for one-sided writes of large frames. Twice
    /// the largest chunk an algorithm sends (<see cref="TransportLimits.MaxFramePayload"/>), so
    /// one frame lands while the previous one is still being reduced; frames above half of it
    /// take a rendezvous into memory the receiver registers for that frame alone.
    /// </summary>
    public const long DefaultRingBytes = 2L * TransportLimits.MaxFramePayload;

    /// <summary>
    /// How far into its peer's receive ring a sender goes before it starts ring frames over at the
    /// beginning as soon as their room there is released (<see cref="RingAllocation.StartsOver"/>):
    /// a quarter of the ring, two default chunks, so one frame lands while the previous one is
    /// reduced and the frames in flight keep to the same few megabytes of the receiver's cache
    /// rather than walking all of the ring through memory.
    /// </summary>
    public static long RingHotWindow(long ringBytes) => ringBytes / 4;

    /// <summary>Frames lent to the receiver at once (received, not yet disposed) before a receive refuses more.</summary>
    public const int MaxLentFrames = 256;

    /// <summary>Completions taken from the queue per poll.</summary>
    public const int CompletionBatch = 64;

    /// <summary>
    /// Empty polls a poller (the progress thread, or a caller spinning for its frame or send)
    /// spins through before it starts yielding the core between polls (<see cref="PollBackoff"/>):
    /// ranks often outnumber cores, and on manual-progress providers the peer needs its own polls
    /// to move our data. Few: measured no faster than yielding at once, and the shared cores are
    /// better spent on copies.
    /// </summary>
    public const int SpinPolls = 50;

    /// <summary>
    /// How long a receive, or a send just posted, polls for itself before parking
    /// (<see cref="RdmaTransportOptions.ReceiveSpin"/>): a small frame's round trip when the peer
    /// is polling too (a 64-byte ping-pong over the shm provider fell from 31 to 4 µs with it).
    /// Longer spins measured no faster for large frames on 2 shared cores, where a spinning caller
    /// takes the core the peer's copies need.
    /// </summary>
    public static readonly TimeSpan DefaultReceiveSpin = TimeSpan.FromMicroseconds(50);

    /// <summary>
    /// The receive spin when every rank on the host has a core of its own
    /// (<see cref="RdmaTransportOptions.ForLocalRanks"/>): polling with yields then costs no rank
    /// its core, and answers sooner than a park's two wake-ups. 2 ranks on 2 cores over the shm
    /// provider, alternating pairs, medians: all-reduce 1 MiB 696 -> 426 µs (8 pairs), 16 MiB
    /// 11.9 -> 10.1 ms (4 pairs), 64 KiB within noise; over tcp 1 MiB unchanged and 8 B 43 -> 38 µs.
    /// With 4 ranks on 2 cores it measured 1.2-1.35x slower, so ranks that outnumber cores keep the
    /// short spin.
    /// </summary>
    public static readonly TimeSpan DedicatedCoreReceiveSpin = TimeSpan.FromMilliseconds(1);

    /// <summary>How often the progress thread polls when nobody waits: remote writes and credits still trickle in, at no cost to a busy rank.</summary>
    public static readonly TimeSpan IdlePollPeriod = TimeSpan.FromMilliseconds(1);

    /// <summary>How often deadlines of parked operations are looked at.</summary>
    public static readonly TimeSpan DeadlineCheckPeriod = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// How long an end whose peer went away keeps delivering frames that are still in flight: the
    /// control connection (TCP) may report the peer's close before the fabric delivers its last
    /// frames, which a peer that finished its part and closed must not lose.
    /// </summary>
    public static readonly TimeSpan PeerDrainGrace = TimeSpan.FromMilliseconds(500);

    /// <summary>How long an abort waits for its final message to leave before it tells the control connection (and its caller).</summary>
    public static readonly TimeSpan FinalMessageWait = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// How long closing the transport lets its links finish tearing down (cancelled receives coming
    /// back, sends in flight completing) before it closes the endpoint under them.
    /// </summary>
    public static readonly TimeSpan LinkDrainTimeout = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A send polls the completion queue first unless a frame arrived within this window, so a
    /// peer's final message (its abort) is seen before a frame is sent into a dead link.
    /// </summary>
    public static readonly TimeSpan RecentArrivalWindow = TimeSpan.FromMilliseconds(1);

    /// <summary>
    /// How long one post may meet a full provider queue inside the shim (which polls meanwhile)
    /// before it comes back to wait in the link's queue. Short, because the caller holds the
    /// link's lock and the context's gate: tcp;ofi_rxm answers a send to a vanished peer with
    /// -FI_EAGAIN forever, and nobody else may poll while it retries.
    /// </summary>
    public static readonly TimeSpan PostAttempt = TimeSpan.FromMicroseconds(200);

    /// <summary>
    /// How long a post may wait in the link's queue for room before the link fails with the
    /// provider's words: far beyond a busy peer's pause, and the control connection usually
    /// reports a dead peer first.
    /// </summary>
    public static readonly TimeSpan PostTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Registered send sources the cache keeps (providers that need registered local buffers).</summary>
    public const int RegistrationCacheEntries = 64;

    /// <summary>Bytes of send sources the cache keeps registered (and pinned) at most.</summary>
    public const long RegistrationCacheBytes = 1L << 30;
}
