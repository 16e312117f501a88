namespace Collectives.Transport.Rdma;

/// <summary>What a tagged message of an RDMA link carries. Values are part of the link's wire format.</summary>
internal enum MessageKind : byte
{
    /// <summary>A frame: header and payload inside the message.</summary>
    InlineFrame = 1,
    /// <summary>A frame header; its payload is written into the receiver's ring (write token = its sequence).</summary>
    RingFrame = 2,
    /// <summary>A frame header too large for the ring; the payload follows once the receiver sends a clear-to-send.</summary>
    RendezvousFrame = 3,
    /// <summary>The sender aborted the link; the body is an abort frame (<see cref="AbortFrame"/>). The last message it sends.</summary>
    Final = 4,
    /// <summary>Control: returned credits only.</summary>
    Credit = 5,
    /// <summary>Control: where the sender of a rendezvous frame may write its payload.</summary>
    ClearToSend = 6,
    /// <summary>A frame header; its payload is written into a placement window the receiver offered (write token = its sequence).</summary>
    PlacedFrame = 7,
    /// <summary>Control: a placement window the receiver offers for one call's frames (<see cref="PlacementAnnouncement"/>).</summary>
    Window = 8,
}
