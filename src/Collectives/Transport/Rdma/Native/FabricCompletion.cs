using System.Runtime.InteropServices;

namespace Collectives.Transport.Rdma.Native;

/// <summary><c>collectives_fabric_completion_v1_t</c>: one finished operation. 48 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct FabricCompletion
{
    /// <summary>The id given when posting; 0 for a peer's remote write.</summary>
    public ulong Context;
    public CompletionFlags Flags;
    /// <summary>Bytes received (receive), posted (send, write), or the provider's value (remote write).</summary>
    public ulong Length;
    /// <summary>Remote completion data, when <see cref="CompletionFlags.Data"/> is set.</summary>
    public ulong Data;
    /// <summary>Tag of the message received.</summary>
    public ulong Tag;
    /// <summary>0, or a negative code (-ETRUNC, -ECANCELED, ...); the text is in the context's last error.</summary>
    public int Status;
    public int ProviderErrno;
}
