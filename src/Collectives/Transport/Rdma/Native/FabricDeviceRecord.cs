using System.Runtime.InteropServices;
using System.Text;

namespace Collectives.Transport.Rdma.Native;

/// <summary><c>collectives_fabric_device_v1_t</c>: one provider/fabric/domain and what it offers. 384 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct FabricDeviceRecord
{
    public const int ProviderLength = 64;
    public const int NameLength = 128;

    public fixed byte Provider[ProviderLength];
    public fixed byte Fabric[NameLength];
    public fixed byte Domain[NameLength];
    public ulong MaxMessageSize;
    public ulong InjectSize;
    public ulong MemoryRegistrationMode;
    public ulong MemoryTagFormat;
    public FabricFeatures Features;
    public uint CompletionDataSize;
    public uint MemoryKeySize;
    public uint TagBits;
    public fixed ulong Reserved[2];

    public readonly FabricDevice ToDevice()
    {
        fixed (byte* provider = Provider, fabric = Fabric, domain = Domain)
        {
            return new FabricDevice(Text(provider, ProviderLength), Text(fabric, NameLength), Text(domain, NameLength),
                MaxMessageSize, Features, CompletionDataSize, TagBits);
        }
    }

    /// <summary>A NUL-terminated (or full) fixed array as text; the shim writes ASCII names.</summary>
    private static string Text(byte* chars, int capacity)
    {
        var span = new ReadOnlySpan<byte>(chars, capacity);
        int end = span.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? span : span[..end]);
    }
}
