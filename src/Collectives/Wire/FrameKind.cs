namespace Collectives.Wire;

/// <summary>What a frame carries. Values are part of the wire format.</summary>
public enum FrameKind : byte
{
    /// <summary>A chunk of an operation's payload (possibly empty).</summary>
    Data = 1,
    /// <summary>
    /// The sender tore the link down; the payload says why (Transport.AbortFrame encodes it). Sent by
    /// transports whose ends cannot share a flag (sockets); the last frame on a link.
    /// </summary>
    Abort = 2,
}
