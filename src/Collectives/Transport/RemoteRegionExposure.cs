namespace Collectives.Transport;

/// <summary>Memory exposed to a peer for one-sided writes; disposing it withdraws the permission.</summary>
public sealed class RemoteRegionExposure : IDisposable
{
    private Action? _withdraw;

    public RemoteRegionExposure(RemoteRegionDescriptor descriptor, Action withdraw)
    {
        Descriptor = descriptor;
        _withdraw = withdraw;
    }

    public RemoteRegionDescriptor Descriptor { get; }

    public void Dispose() => Interlocked.Exchange(ref _withdraw, null)?.Invoke();
}
