namespace Collectives.Transport.Circuits;

/// <summary>
/// A transport decorator: the wrapped transport does all the work under its own name (address
/// blobs and the can-connect probe are unchanged); its links are paced by emulated circuits
/// (<see cref="CircuitEmulatingLink"/>). Every transport of a process shares one
/// <see cref="CircuitEmulation"/>, so a node's circuits are one whichever transport a peer uses.
/// </summary>
public sealed class CircuitEmulatingTransport : ITransport
{
    private readonly ITransport _inner;
    private readonly CircuitEmulation _emulation;

    public CircuitEmulatingTransport(ITransport inner, CircuitEmulation emulation)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(emulation);
        _inner = inner;
        _emulation = emulation;
    }

    public string Name => _inner.Name;

    public ValueTask<byte[]> StartAsync(TransportEndpoint endpoint, CancellationToken cancellationToken) =>
        _inner.StartAsync(endpoint, cancellationToken);

    public bool CanConnect(ReadOnlySpan<byte> peerAddress) => _inner.CanConnect(peerAddress);

    public async ValueTask<IPeerLink> ConnectAsync(LinkKey key, ReadOnlyMemory<byte> peerAddress, CancellationToken cancellationToken)
    {
        IPeerLink link = await _inner.ConnectAsync(key, peerAddress, cancellationToken).ConfigureAwait(false);
        return _emulation.Wrap(link, key);
    }

    public ValueTask DisposeAsync() => _inner.DisposeAsync();
}
