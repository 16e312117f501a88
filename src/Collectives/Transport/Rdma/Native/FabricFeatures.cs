namespace Collectives.Transport.Rdma.Native;

/// <summary>COLLECTIVES_FABRIC_FEATURE_*: what a device offers and what it demands of its callers.</summary>
[Flags]
internal enum FabricFeatures : uint
{
    None = 0,
    /// <summary>RMA write is offered.</summary>
    Rma = 0x1,
    /// <summary>Writes may carry immediate data into the target's completion queue.</summary>
    RemoteCompletionData = 0x2,
    /// <summary>A tagged receive honours its peer argument.</summary>
    DirectedReceive = 0x4,
    /// <summary>Remote addresses are virtual addresses (else offsets into the region).</summary>
    VirtualAddress = 0x8,
    /// <summary>The provider chooses memory keys.</summary>
    ProviderKey = 0x10,
    /// <summary>Every local buffer of a transfer must be registered.</summary>
    LocalRegistration = 0x20,
    /// <summary>Registered memory must be backed by allocated pages.</summary>
    AllocatedMemory = 0x40,
    /// <summary>Memory regions are bound to an endpoint.</summary>
    EndpointRegistration = 0x80,
    /// <summary>Data moves only while someone polls.</summary>
    ManualProgress = 0x100,
    /// <summary>Sends arrive in the order they were posted.</summary>
    SendAfterSendOrder = 0x200,
}
