namespace Collectives.Transport.Rdma;

/// <summary>Where the payload of a frame lent to the receiver lives, and so what its release gives back.</summary>
internal enum LendKind : byte
{
    /// <summary>In its message slot: releasing reposts the slot (a message credit).</summary>
    MessageSlot = 1,
    /// <summary>In the receive ring: releasing frees ring bytes, in frame order (a ring credit).</summary>
    Ring = 2,
    /// <summary>In a buffer registered for this frame: releasing returns it for reuse.</summary>
    Rendezvous = 3,
    /// <summary>In a placement window, the receiver's own memory: releasing gives nothing back.</summary>
    Placed = 4,
}
