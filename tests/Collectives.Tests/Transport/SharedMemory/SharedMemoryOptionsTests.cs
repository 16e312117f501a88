using Collectives.Transport.SharedMemory;

namespace Collectives.Tests.Transport.SharedMemory;

/// <summary>The spin a job's shared-memory links get: longer only when the host's ranks outnumber its cores.</summary>
public sealed class SharedMemoryOptionsTests
{
    [Theory]
    [InlineData(null, 2, false)]
    [InlineData(1, 2, false)]
    [InlineData(2, 2, false)]
    [InlineData(3, 2, true)]
    [InlineData(8, 2, true)]
    [InlineData(8, 16, false)]
    public void OversubscribedHostsSpinLongerBeforeParking(int? localRanks, int cores, bool oversubscribed)
    {
        SharedMemoryTransportOptions options = SharedMemoryTransportOptions.ForLocalRanks(localRanks, cores);
        options.Validate();
        Assert.Equal(oversubscribed ? SharedMemoryTransportOptions.OversubscribedSpin : SharedMemoryTransportOptions.DefaultSpin, options.Spin);
        Assert.Equal(SharedMemoryTransportOptions.DefaultRingBytes, options.RingBytes);
    }
}
