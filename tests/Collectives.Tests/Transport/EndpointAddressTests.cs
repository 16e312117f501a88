using Collectives.Transport;
using Collectives.Transport.InProcess;
using FsCheck;
using FsCheck.Fluent;

namespace Collectives.Tests.Transport;

/// <summary>The published endpoint address: round trips, and a parser that turns away anything malformed without throwing.</summary>
public sealed class EndpointAddressTests
{
    private static EndpointAddress Sample() =>
        new("a1b2c3d4e5f60718", [("shm", [1, 2, 3]), ("tcp", Enumerable.Range(0, 300).Select(i => (byte)i).ToArray())]);

    [Fact]
    public void RoundTrips()
    {
        Assert.True(EndpointAddress.TryDecode(Sample().Encode(), out EndpointAddress? decoded));
        Assert.Equal("a1b2c3d4e5f60718", decoded!.HostId);
        Assert.Equal(["shm", "tcp"], decoded.Transports.Select(t => t.Transport));
        Assert.Equal(Sample().BlobFor("tcp"), decoded.BlobFor("tcp"));
        Assert.Null(decoded.BlobFor("rdma"));
    }

    [Fact]
    public void EveryTruncationAndEveryExtensionIsRejected()
    {
        byte[] bytes = Sample().Encode();
        for (int length = 0; length < bytes.Length; length++)
        {
            Assert.False(EndpointAddress.TryDecode(bytes.AsSpan(0, length), out _), $"a {length}-byte prefix was accepted");
        }
        Assert.False(EndpointAddress.TryDecode([.. bytes, 0], out _));
    }

    [Fact]
    public void ArbitraryBytesNeverThrow()
    {
        Prop.ForAll(ArbMap.Default.ArbFor<byte[]>(), bytes =>
        {
            EndpointAddress.TryDecode(bytes, out _);
            return true;
        }).QuickCheckThrowOnFailure();
        byte[] valid = Sample().Encode();
        var random = new Random(11);
        for (int i = 0; i < 20_000; i++)
        {
            byte[] mutated = (byte[])valid.Clone();
            mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
            EndpointAddress.TryDecode(mutated, out _);
        }
    }

    [Fact]
    public async Task TheProviderPicksTheFirstTransportBothCanUse()
    {
        var shm = new ProbeTransport("shm", reachable: blob => blob[0] == 7);
        var tcp = new ProbeTransport("tcp", reachable: _ => true);
        EndpointAddress[] addresses =
        [
            new("host-a", [("shm", [7]), ("tcp", [0])]),
            new("host-a", [("shm", [7]), ("tcp", [1])]),
            new("host-b", [("shm", [9]), ("tcp", [2])]),
            new("host-c", [("shm", [7])]),
        ];
        var provider = new TransportLinkProvider([shm, tcp], addresses);
        Assert.Same(shm, provider.TransportFor(1));
        Assert.Same(tcp, provider.TransportFor(2));
        await provider.ConnectAsync(new LinkKey(5, 0, 2));
        Assert.Equal([2], tcp.Connected);
        var onlyTcp = new TransportLinkProvider([tcp], addresses);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => onlyTcp.ConnectAsync(new LinkKey(5, 0, 3)).AsTask());
        Assert.Contains("endpoint 3 (host-c, runs shm)", error.Message);
    }

    /// <summary>A transport whose probe is a function, for checking the provider's choice.</summary>
    private sealed class ProbeTransport(string name, Func<byte[], bool> reachable) : ITransport
    {
        private readonly InProcessFabric _fabric = new();

        public List<int> Connected { get; } = [];

        public string Name => name;

        public ValueTask<byte[]> StartAsync(TransportEndpoint endpoint, CancellationToken cancellationToken) => ValueTask.FromResult<byte[]>([]);

        public bool CanConnect(ReadOnlySpan<byte> peerAddress) => reachable(peerAddress.ToArray());

        public ValueTask<IPeerLink> ConnectAsync(LinkKey key, ReadOnlyMemory<byte> peerAddress, CancellationToken cancellationToken)
        {
            Connected.Add(key.PeerEndpoint);
            return _fabric.ConnectAsync(key, cancellationToken);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
