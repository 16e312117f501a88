using Collectives.Transport.Rdma;

namespace Collectives.Tests.Transport.Rdma;

/// <summary>The spin a job's rdma links get: longer only when every rank on the host has a core of its own.</summary>
public sealed class RdmaOptionsTests
{
    [Theory]
    [InlineData(null, 2, false)]
    [InlineData(1, 2, true)]
    [InlineData(2, 2, true)]
    [InlineData(3, 2, false)]
    [InlineData(8, 2, false)]
    [InlineData(8, 16, true)]
    public void RanksWithCoresOfTheirOwnSpinLongerBeforeParking(int? localRanks, int cores, bool dedicated)
    {
        RdmaTransportOptions options = RdmaTransportOptions.ForLocalRanks(localRanks, cores);
        options.Validate();
        Assert.Equal(dedicated ? RdmaTuning.DedicatedCoreReceiveSpin : RdmaTuning.DefaultReceiveSpin, options.ReceiveSpin);
        Assert.Equal(RdmaTransportOptions.Default with { ReceiveSpin = options.ReceiveSpin }, options); // nothing else differs
    }
}
