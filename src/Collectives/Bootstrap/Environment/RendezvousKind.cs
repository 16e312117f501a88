namespace Collectives.Bootstrap;

/// <summary>How ranks reach the rendezvous store.</summary>
public enum RendezvousKind
{
    /// <summary>A TCP store (<see cref="TcpStoreServer"/>), served by rank 0 or by <c>collectives store</c>.</summary>
    Tcp,
    /// <summary>A directory every rank of a one-host job can see (<see cref="FileStore"/>).</summary>
    File,
}
