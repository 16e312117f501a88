namespace Collectives.Transport.Rdma.Native;

/// <summary>
/// A registered memory region; keeps its endpoint open while it lives. Closing it withdraws the
/// peers' permission to write there, so the memory behind it is freed (or unpinned) only after.
/// </summary>
internal sealed unsafe class FabricMemoryRegionHandle : FabricChildHandle
{
    public FabricMemoryRegionHandle(FabricEndpointHandle endpoint)
        : base(endpoint, endpoint.Context)
    {
    }

    protected override int Close(nint value) => FabricLibrary.Table->MemoryClose(value);
}
