using Collectives.Security;
using Collectives.Transport;
using Collectives.Transport.Tcp;

namespace Collectives.Tests.Transport.Tcp;

/// <summary>Several started tcp transports in this process, one per endpoint of a pretend job.</summary>
internal sealed class TcpTestJob : IAsyncDisposable
{
    public static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    private TcpTestJob(TcpTransport[] transports, byte[][] addresses, TransportEndpoint[] endpoints)
    {
        Transports = transports;
        Addresses = addresses;
        Endpoints = endpoints;
    }

    public TcpTransport[] Transports { get; }

    public byte[][] Addresses { get; }

    public TransportEndpoint[] Endpoints { get; }

    public static JobCredentials Credentials(string secret = "tcp-test-secret") => JobCredentials.Create("tcp-test-job", secret);

    public static TransportEndpoint Endpoint(int endpoint, int count, TimeSpan? connectTimeout = null, JobCredentials? credentials = null) =>
        new(credentials ?? Credentials(), endpoint, count, "test-host", connectTimeout ?? TimeSpan.FromSeconds(20));

    public static async Task<TcpTestJob> StartAsync(int endpoints = 2, TcpTransportOptions? options = null, TimeSpan? connectTimeout = null)
    {
        var transports = new TcpTransport[endpoints];
        var addresses = new byte[endpoints][];
        var infos = new TransportEndpoint[endpoints];
        for (int i = 0; i < endpoints; i++)
        {
            transports[i] = new TcpTransport(options);
            infos[i] = Endpoint(i, endpoints, connectTimeout);
            addresses[i] = await transports[i].StartAsync(infos[i], CancellationToken.None);
        }
        return new TcpTestJob(transports, addresses, infos);
    }

    /// <summary>Connects the link between <paramref name="a"/> and <paramref name="b"/>, both ends at once.</summary>
    public Task<(IPeerLink A, IPeerLink B)> ConnectAsync(int a, int b, ulong communicatorId = 99) =>
        TransportPair.ConnectAsync(Transports, Addresses, a, b, communicatorId);

    public async ValueTask DisposeAsync()
    {
        foreach (TcpTransport transport in Transports)
        {
            await transport.DisposeAsync();
        }
    }
}
