namespace Collectives.Transport.Rdma.Native;

/// <summary>The negated status codes the shim returns itself (native/include/collectives_fabric.h); providers may return any -FI_E*.</summary>
internal static class FabricStatus
{
    public const int Success = 0;
    public const int NoEntry = -2;
    public const int TryAgain = -11;
    public const int OutOfMemory = -12;
    public const int Busy = -16;
    public const int InvalidArgument = -22;
    public const int NoData = -61;
    public const int MessageTooLong = -90;
    public const int NotSupported = -95;
    public const int TimedOut = -110;
    public const int Canceled = -125;
    public const int TooSmall = -257;
    public const int Truncated = -265;

    /// <summary>Peer value of a receive that matches any sender.</summary>
    public const ulong AnyPeer = ulong.MaxValue;

    /// <summary>mr_register access: source or target of local operations.</summary>
    public const uint AccessLocal = 0x1;

    /// <summary>mr_register access: peers may write into the region.</summary>
    public const uint AccessRemoteWrite = 0x2;

    /// <summary>write flag: deliver the data word into the target's completion queue.</summary>
    public const uint WriteWithData = 0x1;
}
