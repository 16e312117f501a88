namespace Collectives.Transport.Rdma;

/// <summary>What a posted operation was, as its <see cref="OperationContext"/> records it.</summary>
internal enum OperationKind : byte
{
    /// <summary>A pre-posted receive for frame messages; index = its slot.</summary>
    FrameReceive = 1,
    /// <summary>A pre-posted receive for control messages; index = its slot.</summary>
    ControlReceive = 2,
    /// <summary>A frame (or final) message sent from a staging slot; index = the slot.</summary>
    FrameSend = 3,
    /// <summary>A control message sent from a control staging slot; index = the slot.</summary>
    ControlSend = 4,
    /// <summary>The RMA write of a frame's payload; index = the frame's sequence (low 24 bits).</summary>
    PayloadWrite = 5,
}
