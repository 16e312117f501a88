namespace Collectives.Transport.Faults;

/// <summary>The link-provider decorator (the in-process fabric of local groups, and split communicators' links).</summary>
public sealed class FaultInjectingLinkProvider : ILinkProvider
{
    private readonly ILinkProvider _inner;
    private readonly FaultSpec _spec;

    public FaultInjectingLinkProvider(ILinkProvider inner, FaultSpec spec)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(spec);
        _inner = inner;
        _spec = spec;
    }

    public string Name => _inner.Name;

    public async ValueTask<IPeerLink> ConnectAsync(LinkKey key, CancellationToken cancellationToken = default)
    {
        IPeerLink link = await _inner.ConnectAsync(key, cancellationToken).ConfigureAwait(false);
        return FaultInjectingTransport.Wrap(link, key, _spec);
    }
}
