namespace Collectives.Transport;

/// <summary>
/// Makes links between the endpoints of a multi-process job: for each pair, the first transport
/// in priority order that both endpoints run and whose can-connect probe says yes (shared
/// memory within a host, then RDMA, then TCP), as in NCCL's transport table.
/// </summary>
public sealed class TransportLinkProvider : ILinkProvider
{
    private readonly IReadOnlyList<ITransport> _transports;
    private readonly IReadOnlyList<EndpointAddress> _addresses;

    /// <param name="transports">This endpoint's started transports, in priority order.</param>
    /// <param name="addresses">Every endpoint's published address, indexed by endpoint.</param>
    public TransportLinkProvider(IReadOnlyList<ITransport> transports, IReadOnlyList<EndpointAddress> addresses)
    {
        _transports = transports;
        _addresses = addresses;
    }

    public string Name => string.Join("+", _transports.Select(t => t.Name));

    /// <summary>The transport a link between this endpoint and <paramref name="peer"/> uses, or null when none can.</summary>
    public ITransport? TransportFor(int peer)
    {
        EndpointAddress address = _addresses[peer];
        foreach (ITransport transport in _transports)
        {
            if (address.BlobFor(transport.Name) is { } blob && transport.CanConnect(blob))
            {
                return transport;
            }
        }
        return null;
    }

    public ValueTask<IPeerLink> ConnectAsync(LinkKey key, CancellationToken cancellationToken = default)
    {
        ITransport transport = TransportFor(key.PeerEndpoint) ?? throw new InvalidOperationException(
            $"No transport can link endpoint {key.LocalEndpoint} ({_addresses[key.LocalEndpoint].HostId}, runs " +
            $"{Names(_addresses[key.LocalEndpoint])}) with endpoint {key.PeerEndpoint} ({_addresses[key.PeerEndpoint].HostId}, " +
            $"runs {Names(_addresses[key.PeerEndpoint])}). Enable a transport both can use (COLLECTIVES_TRANSPORTS), e.g. tcp.");
        return transport.ConnectAsync(key, _addresses[key.PeerEndpoint].BlobFor(transport.Name)!, cancellationToken);
    }

    private static string Names(EndpointAddress address) =>
        address.Transports.Count == 0 ? "no transport" : string.Join(",", address.Transports.Select(t => t.Transport));
}
