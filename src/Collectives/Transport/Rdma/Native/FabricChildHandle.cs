using System.Runtime.InteropServices;

namespace Collectives.Transport.Rdma.Native;

/// <summary>
/// A shim object opened from another (an endpoint from its context, a memory region from its
/// endpoint). It holds a reference on its parent so the parent closes last, as the shim demands
/// (a close with children open fails with -EBUSY), and it closes under the context's gate.
/// </summary>
internal abstract class FabricChildHandle : SafeHandle
{
    private readonly SafeHandle _parent;
    private bool _holdsParent;

    protected FabricChildHandle(SafeHandle parent, FabricContextHandle context)
        : base(0, ownsHandle: true)
    {
        _parent = parent;
        Context = context;
        parent.DangerousAddRef(ref _holdsParent);
    }

    public override bool IsInvalid => handle == 0;

    public FabricContextHandle Context { get; }

    /// <summary>Takes ownership of a handle the shim created.</summary>
    public void Adopt(nint value) => SetHandle(value);

    /// <summary>The shim never created the object: give the parent its reference back and mark this handle dead.</summary>
    public void Abandon()
    {
        if (IsInvalid && _holdsParent)
        {
            _holdsParent = false;
            _parent.DangerousRelease();
        }
        SetHandleAsInvalid();
    }

    /// <summary>The shim's close call for this kind of object.</summary>
    protected abstract int Close(nint value);

    protected override bool ReleaseHandle()
    {
        int status;
        lock (Context.Gate)
        {
            status = Close(handle);
        }
        if (_holdsParent)
        {
            _parent.DangerousRelease();
        }
        return status == 0;
    }
}
