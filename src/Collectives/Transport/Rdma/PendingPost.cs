using Collectives.Transport.Rdma.Native;

namespace Collectives.Transport.Rdma;

/// <summary>
/// One operation of a link, as it is posted or, when the provider has no room yet, as it waits
/// in the link's queue: what, from or into which memory, to where, and its completion context.
/// </summary>
internal readonly record struct PendingPost(
    OperationKind Kind,
    int Slot,
    nint Buffer,
    int Length,
    FabricMemoryRegionHandle? Region,
    ulong RemoteAddress,
    ulong RemoteKey,
    ulong Data);
