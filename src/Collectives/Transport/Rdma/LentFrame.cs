namespace Collectives.Transport.Rdma;

/// <summary>One frame lent to the receiver: what to give back when it is released.</summary>
internal struct LentFrame
{
    public bool InUse;
    public bool Released;
    public byte Generation;
    public LendKind Kind;
    /// <summary>The message slot (<see cref="LendKind.MessageSlot"/>).</summary>
    public int Slot;
    /// <summary>The cumulative ring position just past the payload (<see cref="LendKind.Ring"/>).</summary>
    public long RingEnd;
    /// <summary>The registered target (<see cref="LendKind.Rendezvous"/>).</summary>
    public RegisteredBuffer? Buffer;
}
