using Collectives.Tests.Transport;
using Collectives.Transport;
using Collectives.Transport.SharedMemory;

namespace Collectives.Tests.Transport.SharedMemory;

/// <summary>The link contract on shared memory: two transports (two endpoints) in this process.</summary>
public class SharedMemoryLinkConformanceTests : LinkConformanceTests, IAsyncDisposable
{
    private readonly List<ShmHarness> _harnesses = [];

    protected virtual SharedMemoryTransportOptions Options => SharedMemoryTransportOptions.Default;

    protected override async Task<(IPeerLink A, IPeerLink B)> CreatePairAsync()
    {
        ShmHarness harness = await ShmHarness.StartAsync(2, Options);
        _harnesses.Add(harness);
        return await harness.ConnectAsync(0, 1);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (ShmHarness harness in _harnesses)
        {
            await harness.DisposeAsync();
        }
        GC.SuppressFinalize(this);
    }
}

/// <summary>
/// The contract again with no spin and the smallest ring: every wait parks on the progress
/// thread, and 4 MiB frames stream through a 64 KiB ring instead of travelling in place.
/// </summary>
public sealed class SharedMemoryParkingLinkConformanceTests : SharedMemoryLinkConformanceTests
{
    protected override SharedMemoryTransportOptions Options { get; } =
        new() { Spin = TimeSpan.Zero, RingBytes = SharedMemoryTransportOptions.MinRingBytes };
}
