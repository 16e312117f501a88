namespace Collectives.Transport.Circuits;

/// <summary>The link-provider decorator (the in-process fabric of local groups): every rank's links share that rank's emulated node.</summary>
public sealed class CircuitEmulatingLinkProvider : ILinkProvider
{
    private readonly ILinkProvider _inner;
    private readonly CircuitEmulation _emulation;

    public CircuitEmulatingLinkProvider(ILinkProvider inner, CircuitEmulation emulation)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(emulation);
        _inner = inner;
        _emulation = emulation;
    }

    public string Name => _inner.Name;

    public async ValueTask<IPeerLink> ConnectAsync(LinkKey key, CancellationToken cancellationToken = default)
    {
        IPeerLink link = await _inner.ConnectAsync(key, cancellationToken).ConfigureAwait(false);
        return _emulation.Wrap(link, key);
    }
}
