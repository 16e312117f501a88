using Collectives.Security;
using Collectives.Transport;
using Collectives.Transport.Rdma;
using Collectives.Transport.Rdma.Native;

namespace Collectives.Tests.Transport.Rdma;

/// <summary>Wrong providers, refused registrations and bad addresses: errors that name the provider, the rank and libfabric's words.</summary>
public sealed class RdmaBadInputTests
{
    private static TransportEndpoint Endpoint(int rank) =>
        new(JobCredentials.Create("rdma-bad-input", "secret"), rank, 2, "test-host", TimeSpan.FromSeconds(10));

    [Fact]
    public async Task AWrongProviderNameFailsStartNamingTheProviderTheRankAndTheFabricText()
    {
        RdmaTestJob.RequireProvider(RdmaProviders.Tcp); // the shim must load for the provider lookup to speak
        await using var transport = new RdmaTransport(new RdmaTransportOptions { Provider = "nosuchfabric" });
        IOException error = await Assert.ThrowsAsync<IOException>(() => transport.StartAsync(Endpoint(1), CancellationToken.None).AsTask());
        Assert.Contains("Rank 1", error.Message);
        Assert.Contains("'nosuchfabric'", error.Message);
        Assert.Contains("[nosuchfabric]", error.Message); // the shim's text, with libfabric's fi_strerror words
        Assert.Contains("No data available", error.Message);
        Assert.False(RdmaAvailability.Of("nosuchfabric").IsAvailable);
        Assert.Contains("nosuchfabric", RdmaAvailability.Of("nosuchfabric").ToString());
    }

    [Fact]
    public void AMalformedProviderNameIsRefusedBeforeAnyFabricCall()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => new RdmaTransport(new RdmaTransportOptions { Provider = "tcp provider" }));
        Assert.Contains("verbs, efa, tcp, shm, auto", error.Message);
        Assert.False(RdmaAvailability.Of("tcp provider").IsAvailable);
    }

    [Fact]
    public async Task ARefusedRegistrationNamesTheProviderAndTheFabricText()
    {
        RdmaTestJob.RequireProvider(RdmaProviders.Tcp);
        await using var transport = new RdmaTransport(new RdmaTransportOptions { Provider = RdmaProviders.Tcp });
        await transport.StartAsync(Endpoint(0), CancellationToken.None);
        FabricException error;
        unsafe
        {
            error = Assert.Throws<FabricException>(() => transport.Endpoint!.Fabric.Register(null, 4096, FabricStatus.AccessRemoteWrite, out _));
        }
        Assert.Equal(FabricStatus.InvalidArgument, error.Status);
        Assert.StartsWith("[tcp;ofi_rxm]", error.FabricText);
        Assert.Contains("Invalid argument", error.FabricText);
        Assert.Contains("registering 4096 bytes", error.Message);
    }

    [Fact]
    public async Task AnAddressOfAnotherFabricIsRefusedBeforeConnecting()
    {
        RdmaTestJob.RequireProvider(RdmaProviders.Tcp);
        await using var transport = new RdmaTransport(new RdmaTransportOptions { Provider = RdmaProviders.Tcp });
        byte[] own = await transport.StartAsync(Endpoint(0), CancellationToken.None);
        Assert.True(RdmaAddress.TryDecode(own, out RdmaAddress? self));
        byte[] other = (self! with { Provider = "verbs;ofi_rxm", HostId = "elsewhere" }).Encode();
        Assert.False(transport.CanConnect(other));
        ArgumentException refused = await Assert.ThrowsAsync<ArgumentException>(
            () => transport.ConnectAsync(new LinkKey(1, 0, 1), other, CancellationToken.None).AsTask());
        Assert.Contains("verbs;ofi_rxm", refused.Message);
        await Assert.ThrowsAsync<ArgumentException>(() => transport.ConnectAsync(new LinkKey(1, 0, 1), new byte[] { 1, 2, 3 }, CancellationToken.None).AsTask());
    }

    [Fact]
    public async Task APeerThatNeverConnectsTimesOutNamingTheStage()
    {
        RdmaTestJob.RequireProvider(RdmaProviders.Tcp);
        await using RdmaTestJob job = await RdmaTestJob.StartAsync(new RdmaTransportOptions { Provider = RdmaProviders.Tcp }, connectTimeout: TimeSpan.FromMilliseconds(500));
        Exception error = await Assert.ThrowsAnyAsync<Exception>(() =>
            job.Transports[0].ConnectAsync(new LinkKey(5, 0, 1), job.Addresses[1], CancellationToken.None).AsTask().WaitAsync(RdmaTestJob.Guard));
        // Our deadline, or the peer's transport dropping the unclaimed connection at its own: either way the stage and the peer are named.
        Assert.True(error is TimeoutException or IOException, error.ToString());
        Assert.Contains("rank 1", error.Message);
        Assert.Contains("control connection", error.Message);
    }
}
