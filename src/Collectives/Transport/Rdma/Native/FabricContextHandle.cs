using System.Runtime.InteropServices;

namespace Collectives.Transport.Rdma.Native;

/// <summary>
/// A shim context (fabric + domain). Its <see cref="Gate"/> serialises every call on the context
/// and everything opened from it, as the shim's FI_THREAD_DOMAIN contract demands; release takes
/// it too, so a finalizer never races a poll. Endpoints hold a reference, so the context closes last.
/// </summary>
internal sealed unsafe class FabricContextHandle : SafeHandle
{
    public FabricContextHandle()
        : base(0, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == 0;

    /// <summary>The one lock for this context, its endpoints and its memory regions.</summary>
    public object Gate { get; } = new();

    /// <summary>Takes ownership of a handle the shim created.</summary>
    public void Adopt(nint context) => SetHandle(context);

    protected override bool ReleaseHandle()
    {
        lock (Gate)
        {
            return FabricLibrary.Table->Close(handle) == 0;
        }
    }
}
