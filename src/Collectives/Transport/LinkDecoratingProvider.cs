namespace Collectives.Transport;

/// <summary>The link-provider form of <see cref="LinkDecoratingTransport"/> (the in-process fabric of local groups, and split communicators' links).</summary>
public sealed class LinkDecoratingProvider : ILinkProvider
{
    private readonly ILinkProvider _inner;
    private readonly Func<IPeerLink, LinkKey, IPeerLink> _decorate;

    public LinkDecoratingProvider(ILinkProvider inner, Func<IPeerLink, LinkKey, IPeerLink> decorate)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(decorate);
        _inner = inner;
        _decorate = decorate;
    }

    public string Name => _inner.Name;

    public async ValueTask<IPeerLink> ConnectAsync(LinkKey key, CancellationToken cancellationToken = default)
    {
        IPeerLink link = await _inner.ConnectAsync(key, cancellationToken).ConfigureAwait(false);
        return _decorate(link, key);
    }
}
