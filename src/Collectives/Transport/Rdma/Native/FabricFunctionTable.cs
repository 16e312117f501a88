using System.Runtime.InteropServices;

namespace Collectives.Transport.Rdma.Native;

/// <summary>
/// <c>collectives_fabric_v1_t</c> of native/include/collectives_fabric.h, field for field: six
/// <c>uint32_t</c> that describe the ABI, then the function pointers, called through
/// <c>delegate* unmanaged</c> (no marshalling, no delegates to keep alive). Handles are
/// <see cref="nint"/>; every function returns 0 or a negative libfabric code.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct FabricFunctionTable
{
    public uint Version;
    public uint StructSize;
    public uint DeviceSize;
    public uint MemoryInfoSize;
    public uint CompletionSize;
    public uint Reserved;

    public delegate* unmanaged<nint*, int> Create;
    public delegate* unmanaged<nint, byte*, FabricDeviceRecord*, uint, uint*, int> ListDevices;
    public delegate* unmanaged<nint, byte*, byte*, ulong, int> Init;
    public delegate* unmanaged<nint, FabricDeviceRecord*, int> GetDevice;
    public delegate* unmanaged<nint, int> Close;
    public delegate* unmanaged<nint, byte*, nuint, int> LastError;

    public delegate* unmanaged<nint, nint*, int> EndpointOpen;
    public delegate* unmanaged<nint, void*, nuint*, int> EndpointAddress;
    public delegate* unmanaged<nint, void*, nuint, ulong*, int> AddressVectorInsert;
    public delegate* unmanaged<nint, int> EndpointClose;

    public delegate* unmanaged<nint, void*, nuint, uint, nint*, FabricMemoryInfo*, int> MemoryRegister;
    public delegate* unmanaged<nint, int> MemoryClose;

    public delegate* unmanaged<nint, ulong, void*, nuint, nint, ulong, ulong, int> TaggedSend;
    public delegate* unmanaged<nint, ulong, void*, nuint, nint, ulong, ulong, ulong, int> TaggedReceive;
    public delegate* unmanaged<nint, ulong, void*, nuint, nint, ulong, ulong, ulong, uint, ulong, int> Write;
    public delegate* unmanaged<nint, FabricCompletion*, uint, uint*, ulong, int> Poll;
    public delegate* unmanaged<nint, ulong, int> Cancel;
}
