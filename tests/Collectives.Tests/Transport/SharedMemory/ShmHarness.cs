using Collectives.Security;
using Collectives.Transport;
using Collectives.Transport.SharedMemory;

namespace Collectives.Tests.Transport.SharedMemory;

/// <summary>Starts shared-memory transports in this process as the endpoints of one job, and connects them.</summary>
internal sealed class ShmHarness : IAsyncDisposable
{
    public static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);

    private ShmHarness(JobCredentials credentials, SharedMemoryTransport[] transports, byte[][] addresses)
    {
        Credentials = credentials;
        Transports = transports;
        Addresses = addresses;
    }

    public JobCredentials Credentials { get; }

    public SharedMemoryTransport[] Transports { get; }

    public byte[][] Addresses { get; }

    public static JobCredentials NewJob() => JobCredentials.Create("shm-test-" + Guid.NewGuid().ToString("N"), "secret");

    public static TransportEndpoint Endpoint(JobCredentials credentials, int endpoint, int count, TimeSpan? connectTimeout = null) =>
        new(credentials, endpoint, count, "test-host", connectTimeout ?? TimeSpan.FromSeconds(20));

    public static async Task<ShmHarness> StartAsync(int endpoints, SharedMemoryTransportOptions? options = null,
        JobCredentials? credentials = null, TimeSpan? connectTimeout = null)
    {
        credentials ??= NewJob();
        var transports = new SharedMemoryTransport[endpoints];
        var addresses = new byte[endpoints][];
        for (int i = 0; i < endpoints; i++)
        {
            transports[i] = new SharedMemoryTransport(options);
            addresses[i] = await transports[i].StartAsync(Endpoint(credentials, i, endpoints, connectTimeout), CancellationToken.None);
        }
        return new ShmHarness(credentials, transports, addresses);
    }

    /// <summary>Connects endpoints <paramref name="a"/> and <paramref name="b"/>; both ends connect at once, as two processes would.</summary>
    public async Task<(SharedMemoryLink A, SharedMemoryLink B)> ConnectAsync(int a, int b, ulong communicatorId = 1)
    {
        Task<IPeerLink> first = Transports[a].ConnectAsync(new LinkKey(communicatorId, a, b), Addresses[b], CancellationToken.None).AsTask();
        Task<IPeerLink> second = Transports[b].ConnectAsync(new LinkKey(communicatorId, b, a), Addresses[a], CancellationToken.None).AsTask();
        IPeerLink[] links = await Task.WhenAll(first, second).WaitAsync(Guard);
        return ((SharedMemoryLink)links[0], (SharedMemoryLink)links[1]);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (SharedMemoryTransport transport in Transports)
        {
            await transport.DisposeAsync();
        }
    }
}
