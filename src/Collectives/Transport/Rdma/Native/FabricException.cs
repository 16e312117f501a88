namespace Collectives.Transport.Rdma.Native;

/// <summary>
/// A shim call failed. <see cref="Status"/> is the negative libfabric code and
/// <see cref="FabricText"/> the shim's own words ("[provider] what failed: fi_strerror text (code)");
/// the RDMA transport wraps it with the rank, the peer and the operation before anyone sees it.
/// </summary>
internal sealed class FabricException : IOException
{
    public FabricException(int status, string operation, string fabricText)
        : base($"{operation} failed: {fabricText}")
    {
        Status = status;
        Operation = operation;
        FabricText = fabricText;
    }

    public int Status { get; }

    public string Operation { get; }

    public string FabricText { get; }
}
