namespace Collectives.Transport;

/// <summary>
/// A transport whose links another concern decorates (injected faults, emulated circuits): the
/// wrapped transport does all the work under its own name, so address blobs and the
/// can-connect probe are unchanged; every link it makes passes through <c>decorate</c>.
/// </summary>
public sealed class LinkDecoratingTransport : ITransport
{
    private readonly ITransport _inner;
    private readonly Func<IPeerLink, LinkKey, IPeerLink> _decorate;

    /// <param name="decorate">This end's link and its key to what the communicator uses (the link itself to leave it alone).</param>
    public LinkDecoratingTransport(ITransport inner, Func<IPeerLink, LinkKey, IPeerLink> decorate)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(decorate);
        _inner = inner;
        _decorate = decorate;
    }

    public string Name => _inner.Name;

    public ValueTask<byte[]> StartAsync(TransportEndpoint endpoint, CancellationToken cancellationToken) =>
        _inner.StartAsync(endpoint, cancellationToken);

    public bool CanConnect(ReadOnlySpan<byte> peerAddress) => _inner.CanConnect(peerAddress);

    public async ValueTask<IPeerLink> ConnectAsync(LinkKey key, ReadOnlyMemory<byte> peerAddress, CancellationToken cancellationToken)
    {
        IPeerLink link = await _inner.ConnectAsync(key, peerAddress, cancellationToken).ConfigureAwait(false);
        return _decorate(link, key);
    }

    public ValueTask DisposeAsync() => _inner.DisposeAsync();
}
