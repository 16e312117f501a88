using System.Runtime.InteropServices;

namespace Collectives.Transport.Rdma.Native;

/// <summary><c>collectives_fabric_mr_info_v1_t</c>: what a peer needs to write into a registered region. 32 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct FabricMemoryInfo
{
    /// <summary>The remote key.</summary>
    public ulong Key;
    /// <summary>Remote address of the region's first byte: its virtual address, or 0 where the provider takes offsets.</summary>
    public ulong RemoteBase;
    public ulong Length;
    public ulong Reserved;
}
