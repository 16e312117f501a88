namespace Collectives.Transport.Rdma.Native;

/// <summary>An RDM endpoint with its completion queue and address vector; keeps its context open while it lives.</summary>
internal sealed unsafe class FabricEndpointHandle : FabricChildHandle
{
    public FabricEndpointHandle(FabricContextHandle context)
        : base(context, context)
    {
    }

    protected override int Close(nint value) => FabricLibrary.Table->EndpointClose(value);
}
