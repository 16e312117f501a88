namespace Collectives.Transport.Faults;

/// <summary>
/// A transport decorator: the wrapped transport does all the work under its own name (so
/// address blobs and the can-connect probe are unchanged); the links it makes inject the
/// faults of a <see cref="FaultSpec"/> at the ends the spec names.
/// </summary>
public sealed class FaultInjectingTransport : ITransport
{
    private readonly ITransport _inner;
    private readonly FaultSpec _spec;

    public FaultInjectingTransport(ITransport inner, FaultSpec spec)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(spec);
        _inner = inner;
        _spec = spec;
    }

    public string Name => _inner.Name;

    public ValueTask<byte[]> StartAsync(TransportEndpoint endpoint, CancellationToken cancellationToken) =>
        _inner.StartAsync(endpoint, cancellationToken);

    public bool CanConnect(ReadOnlySpan<byte> peerAddress) => _inner.CanConnect(peerAddress);

    public async ValueTask<IPeerLink> ConnectAsync(LinkKey key, ReadOnlyMemory<byte> peerAddress, CancellationToken cancellationToken)
    {
        IPeerLink link = await _inner.ConnectAsync(key, peerAddress, cancellationToken).ConfigureAwait(false);
        return Wrap(link, key, _spec);
    }

    public ValueTask DisposeAsync() => _inner.DisposeAsync();

    /// <summary><paramref name="link"/> with the spec's faults when they apply to its local end, else the link itself.</summary>
    public static IPeerLink Wrap(IPeerLink link, LinkKey key, FaultSpec? spec) =>
        spec is not null && spec.AppliesTo(key.LocalEndpoint) ? new FaultInjectingLink(link, key, spec) : link;
}
