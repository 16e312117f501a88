namespace Collectives.Transport.Rdma.Native;

/// <summary>COLLECTIVES_FABRIC_CQ_*: what kind of operation a completion reports.</summary>
[Flags]
internal enum CompletionFlags : ulong
{
    None = 0,
    /// <summary>A tagged send finished; its buffer may be reused.</summary>
    Send = 0x1,
    /// <summary>A tagged receive finished; length and tag are valid.</summary>
    Receive = 0x2,
    /// <summary>A local RMA write finished.</summary>
    Write = 0x4,
    /// <summary>A peer's write with data landed here.</summary>
    RemoteWrite = 0x8,
    /// <summary><see cref="FabricCompletion.Data"/> holds the remote completion data.</summary>
    Data = 0x10,
}
