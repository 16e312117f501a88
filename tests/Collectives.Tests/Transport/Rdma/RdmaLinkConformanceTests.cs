using Collectives.Transport;
using Collectives.Transport.Rdma;

namespace Collectives.Tests.Transport.Rdma;

/// <summary>The link contract on the rdma transport over libfabric's tcp provider (tcp;ofi_rxm on loopback).</summary>
public class RdmaTcpLinkConformanceTests : LinkConformanceTests, IAsyncDisposable
{
    private readonly List<RdmaTestJob> _jobs = [];

    protected virtual RdmaTransportOptions Options { get; } = new() { Provider = RdmaProviders.Tcp };

    protected override async Task<(IPeerLink A, IPeerLink B)> CreatePairAsync()
    {
        RdmaTestJob job = await RdmaTestJob.StartAsync(Options);
        _jobs.Add(job);
        return await job.ConnectAsync(0, 1);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (RdmaTestJob job in _jobs)
        {
            await job.DisposeAsync();
        }
        GC.SuppressFinalize(this);
    }
}

/// <summary>The link contract over libfabric's shm provider (the same code, another provider's quirks: virtual addresses, CMA).</summary>
public sealed class RdmaShmLinkConformanceTests : RdmaTcpLinkConformanceTests
{
    protected override RdmaTransportOptions Options { get; } = new() { Provider = RdmaProviders.Shm };
}

/// <summary>
/// The contract again as providers that demand registered local buffers (verbs, efa) run it:
/// every large payload copied into the registered staging area, and the smallest ring, so the
/// largest frames take the rendezvous path with a registration for the write alone.
/// </summary>
public sealed class RdmaStagedLinkConformanceTests : RdmaTcpLinkConformanceTests
{
    protected override RdmaTransportOptions Options { get; } =
        new() { Provider = RdmaProviders.Tcp, CopySendsThroughStaging = true, RingBytes = RdmaTransportOptions.MinRingBytes };
}

/// <summary>The contract again with no receive spin: every wait parks and the progress thread hands each frame over.</summary>
public sealed class RdmaParkingLinkConformanceTests : RdmaTcpLinkConformanceTests
{
    protected override RdmaTransportOptions Options { get; } = new() { Provider = RdmaProviders.Tcp, ReceiveSpin = TimeSpan.Zero };
}
