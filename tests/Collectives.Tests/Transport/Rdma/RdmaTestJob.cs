using Collectives.Security;
using Collectives.Transport;
using Collectives.Transport.Rdma;

namespace Collectives.Tests.Transport.Rdma;

/// <summary>Several started rdma transports in this process, one per endpoint of a pretend job.</summary>
internal sealed class RdmaTestJob : IAsyncDisposable
{
    public static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    private RdmaTestJob(RdmaTransport[] transports, byte[][] addresses)
    {
        Transports = transports;
        Addresses = addresses;
    }

    public RdmaTransport[] Transports { get; }

    public byte[][] Addresses { get; }

    /// <summary>
    /// Skips the calling test where the shim is not built (no cmake or libfabric-dev), except under
    /// CI, where the build must have made it and a missing shim fails the test loudly.
    /// </summary>
    public static void RequireProvider(string provider)
    {
        RdmaAvailability availability = RdmaAvailability.Of(provider);
        if (availability.IsAvailable)
        {
            return;
        }
        string message = $"The rdma transport with provider '{provider}' is {availability}";
        if (Environment.GetEnvironmentVariable("CI") is { Length: > 0 })
        {
            Assert.Fail(message + " (CI installs cmake and libfabric-dev, so this must not happen there).");
        }
        Assert.Skip(message);
    }

    public static async Task<RdmaTestJob> StartAsync(RdmaTransportOptions options, int endpoints = 2, TimeSpan? connectTimeout = null)
    {
        RequireProvider(options.Provider);
        var credentials = JobCredentials.Create("rdma-test-job", "rdma-test-secret");
        var transports = new RdmaTransport[endpoints];
        var addresses = new byte[endpoints][];
        for (int i = 0; i < endpoints; i++)
        {
            transports[i] = new RdmaTransport(options);
            addresses[i] = await transports[i].StartAsync(
                new TransportEndpoint(credentials, i, endpoints, "test-host", connectTimeout ?? TimeSpan.FromSeconds(20)), CancellationToken.None);
        }
        return new RdmaTestJob(transports, addresses);
    }

    /// <summary>Connects the link between <paramref name="a"/> and <paramref name="b"/>, both ends at once.</summary>
    public Task<(IPeerLink A, IPeerLink B)> ConnectAsync(int a, int b, ulong communicatorId = 99) =>
        TransportPair.ConnectAsync(Transports, Addresses, a, b, communicatorId);

    /// <summary>Every transport's links close before any endpoint does (see <see cref="RdmaTransport.CloseLinksAsync"/>).</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (RdmaTransport transport in Transports)
        {
            await transport.CloseLinksAsync();
        }
        foreach (RdmaTransport transport in Transports)
        {
            await transport.DisposeAsync();
        }
    }
}
