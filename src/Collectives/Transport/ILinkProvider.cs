namespace Collectives.Transport;

/// <summary>Makes links between the endpoints of one job (one per transport).</summary>
public interface ILinkProvider
{
    /// <summary>Short name for logs and errors ("inprocess", "shm", "tcp").</summary>
    string Name { get; }

    /// <summary>
    /// Returns this endpoint's end of the link named by <paramref name="key"/>; the peer asks for
    /// the mirror key (local and peer swapped) and gets the other end.
    /// </summary>
    ValueTask<IPeerLink> ConnectAsync(LinkKey key, CancellationToken cancellationToken = default);
}
