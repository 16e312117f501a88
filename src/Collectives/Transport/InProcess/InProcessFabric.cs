using System.Collections.Concurrent;

namespace Collectives.Transport.InProcess;

/// <summary>
/// Makes in-process links between the endpoints of one process-local job (the ranks of
/// <see cref="Communicator.CreateLocalGroup"/> and every communicator split from them).
/// The first endpoint to ask for a link creates the pair; the second takes the other end.
/// </summary>
public sealed class InProcessFabric : ILinkProvider
{
    private readonly ConcurrentDictionary<(ulong CommunicatorId, int Low, int High), InProcessLinkPair> _unclaimed = new();

    public string Name => "inprocess";

    public ValueTask<IPeerLink> ConnectAsync(LinkKey key, CancellationToken cancellationToken = default)
    {
        if (key.LocalEndpoint == key.PeerEndpoint)
        {
            throw new ArgumentException($"Endpoint {key.LocalEndpoint} cannot link to itself.", nameof(key));
        }
        int low = Math.Min(key.LocalEndpoint, key.PeerEndpoint);
        int high = Math.Max(key.LocalEndpoint, key.PeerEndpoint);
        var slot = (key.CommunicatorId, low, high);
        InProcessLinkPair? pair = null;
        while (pair is null && !_unclaimed.TryRemove(slot, out pair))
        {
            var fresh = new InProcessLinkPair();
            if (_unclaimed.TryAdd(slot, fresh))
            {
                pair = fresh;
            }
        }
        // The lower endpoint always holds end 0, whichever side asked first.
        return ValueTask.FromResult<IPeerLink>(pair.Ends[key.LocalEndpoint == low ? 0 : 1]);
    }
}
