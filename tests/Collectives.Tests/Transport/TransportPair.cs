using Collectives.Transport;

namespace Collectives.Tests.Transport;

/// <summary>Makes both ends of one link at once, as two processes would, over any transport.</summary>
internal static class TransportPair
{
    public static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    /// <summary>Endpoint <paramref name="a"/>'s and endpoint <paramref name="b"/>'s ends of their link, each transport given the other's address.</summary>
    public static async Task<(IPeerLink A, IPeerLink B)> ConnectAsync(IReadOnlyList<ITransport> transports, IReadOnlyList<byte[]> addresses,
        int a, int b, ulong communicatorId)
    {
        Task<IPeerLink> first = transports[a].ConnectAsync(new LinkKey(communicatorId, a, b), addresses[b], CancellationToken.None).AsTask();
        Task<IPeerLink> second = transports[b].ConnectAsync(new LinkKey(communicatorId, b, a), addresses[a], CancellationToken.None).AsTask();
        IPeerLink[] links = await Task.WhenAll(first, second).WaitAsync(Guard);
        return (links[0], links[1]);
    }
}
