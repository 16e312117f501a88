using System.Net;
using Collectives.Bootstrap;
using Collectives.Topology;

namespace Collectives.Tests.Bootstrap;

/// <summary>
/// Topology detection on this machine: loopback is "lo", a single-node machine puts every CPU on
/// NUMA node 0, and a rank pinned to one CPU reports it as its core (a child run under taskset).
/// </summary>
public sealed class TopologyDetectionTests
{
    private static bool SingleNumaNode =>
        Directory.Exists("/sys/devices/system/node") && Directory.GetDirectories("/sys/devices/system/node", "node*").Length == 1;

    [Fact]
    public void LoopbackIsOnLo()
    {
        Assert.Equal("lo", TopologyDetection.InterfaceOf(IPAddress.Loopback));
        Assert.Null(TopologyDetection.InterfaceOf(IPAddress.Parse("192.0.2.123")));
    }

    [Fact]
    public void TheAffinityMaskListsCpusThisMachineHas()
    {
        IReadOnlyList<int> cpus = TopologyDetection.AllowedCpus();
        Assert.NotEmpty(cpus);
        Assert.All(cpus, cpu => Assert.InRange(cpu, 0, 1023));
        Assert.Equal(cpus.Distinct().Count(), cpus.Count);
    }

    [Fact]
    public void EveryCpuOfASingleNodeMachineIsOnNodeZero()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux() && SingleNumaNode, "needs Linux with one NUMA node");
        Assert.All(TopologyDetection.AllowedCpus(), cpu => Assert.Equal(0, TopologyDetection.NumaNodeOf(cpu)));
        Assert.All(TopologyDetection.AllowedCpus(), cpu => Assert.True(TopologyDetection.SocketOf(cpu) >= 0));
        Assert.Equal(-1, TopologyDetection.NumaNodeOf(100_000));
        Assert.Equal(-1, TopologyDetection.SocketOf(100_000));
    }

    [Fact]
    public void ThisProcessIsPlacedOnLoopbackWithItsRankAndHost()
    {
        JobLaunchInfo job = JobEnvironment.Parse(new Dictionary<string, string>
        {
            [EnvironmentVariables.Rank] = "1",
            [EnvironmentVariables.Size] = "2",
            [EnvironmentVariables.LocalSize] = "2",
            [EnvironmentVariables.JobId] = "detection-test",
        });
        RankPlacement placement = TopologyDetection.Detect(job, "host-id", JobEnvironment.ResolveTcpAddress(job));
        Assert.Equal(1, placement.Rank);
        Assert.Equal("host-id", placement.HostId);
        Assert.Equal(Dns.GetHostName(), placement.HostName);
        Assert.Equal("127.0.0.1", placement.Address);
        Assert.Equal("lo", placement.Interface);
        IReadOnlyList<int> cpus = TopologyDetection.AllowedCpus();
        Assert.Equal(cpus.Count == 1 ? cpus[0] : -1, placement.Core);
        if (OperatingSystem.IsLinux() && SingleNumaNode)
        {
            Assert.Equal(0, placement.NumaNode);
        }
    }
}
