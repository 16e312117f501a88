using System.Globalization;

namespace Collectives.Transport.Rdma.Native;

/// <summary>A device the shim can use, as managed code sees it (<see cref="FabricDeviceRecord"/> decoded).</summary>
/// <param name="Provider">libfabric's provider name, e.g. "tcp;ofi_rxm", "verbs;ofi_rxm", "efa", "shm".</param>
/// <param name="Fabric">The fabric name, e.g. "127.0.0.1/32" (tcp names fabrics by subnet).</param>
/// <param name="Domain">The domain name, e.g. "lo"; what the shim's init matches.</param>
/// <param name="CompletionDataSize">Bytes of immediate data a write can carry (4 on verbs and efa, 8 on tcp and shm).</param>
internal sealed record FabricDevice(string Provider, string Fabric, string Domain, ulong MaxMessageSize, FabricFeatures Features,
    uint CompletionDataSize, uint TagBits)
{
    /// <summary>True for providers that drive real RDMA hardware (what the default transport order wants).</summary>
    public bool IsHardware => Provider.StartsWith("verbs", StringComparison.Ordinal) || Provider.StartsWith("efa", StringComparison.Ordinal);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"provider {Provider}, fabric {Fabric}, domain {Domain}");
}
