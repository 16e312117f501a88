using System.Text.RegularExpressions;
using Collectives.Tests.MultiProcess;
using Collectives.Tests.Transport.Rdma;
using Collectives.Topology;
using Collectives.Transport.Rdma;

namespace Collectives.Tests.MultiHost;

/// <summary>The rdma transport across emulated hosts: libfabric's tcp provider over the hosts' bridge, shared memory within a host.</summary>
public sealed partial class MultiHostTests
{
    [Fact]
    public async Task RdmaAcrossTwoHostsComputesEveryCollectiveRight()
    {
        RdmaTestJob.RequireProvider(RdmaProviders.Tcp);
        ProcessResult result = await RunHostsAsync("2,2", ["--transports", "shm,rdma"], "--max-bytes", "1M", "--print-transports");
        AssertPassed(result, 4);
        AssertTransportsFollowHosts(result, [2, 2], across: "rdma");
        // Each rank opened the tcp provider on its host's network, not loopback.
        Assert.Equal(4, Regex.Matches(result.Output, @"rdma: rank \d: provider auto: available: provider tcp;ofi_rxm, fabrics [^\n]*10\.231\.0\.0/24").Count);
    }

    [Fact]
    public async Task RdmaAloneCarriesPairsWithinAndAcrossHosts()
    {
        RdmaTestJob.RequireProvider(RdmaProviders.Tcp);
        ProcessResult result = await RunHostsAsync("2,1", ["--transports", "rdma", "--env", "COLLECTIVES_RDMA_PROVIDER=tcp"], "--max-bytes", "256K", "--print-transports");
        AssertPassed(result, 3);
        Assert.Equal(3, Regex.Matches(result.Output, @"transports: rank \d on \S+: \d=rdma \d=rdma").Count);
    }

    [Fact]
    public async Task TopoSeesRdmaLinksAcrossHosts()
    {
        RdmaTestJob.RequireProvider(RdmaProviders.Tcp);
        if (await Unavailable.Value is { } reason)
        {
            Assert.Skip($"Multi-host tests skipped: {reason}");
        }
        ProcessResult result = await CliProcess.RunToolAsync(
            ["hosts", "run", "--hosts", "2,1", "--timeout", RunDeadline, "--transports", "shm,rdma", "--", CliProcess.Tool, "topo", "--json"]);
        await AssertNothingLeftAsync(result);
        Assert.True(result.ExitCode == 0, result.ToString());
        string json = string.Join('\n', result.Output.Split('\n').Where(l => l.StartsWith("[0] ", StringComparison.Ordinal)).Select(l => l[4..]));
        JobTopology topology = TopologyJson.Parse(json);
        for (int a = 0; a < topology.Size; a++)
        {
            for (int b = 0; b < topology.Size; b++)
            {
                LinkClass expected = a == b ? LinkClass.Self : topology.HostOf(a) == topology.HostOf(b) ? LinkClass.SharedMemory : LinkClass.Rdma;
                Assert.Equal(expected, topology.LinkBetween(a, b));
            }
        }
    }
}
