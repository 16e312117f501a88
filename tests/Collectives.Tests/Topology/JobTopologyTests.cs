using Collectives.Topology;

namespace Collectives.Tests.Topology;

/// <summary>The topology model: what its constructor refuses, how it numbers hosts, and sub-group views.</summary>
public sealed class JobTopologyTests
{
    private static RankPlacement[] Ranks(int size) => Enumerable.Range(0, size).Select(r => new RankPlacement(r, "h", "h")).ToArray();

    [Fact]
    public void AnAsymmetricMatrixIsRefused()
    {
        LinkClass[] links = [LinkClass.Self, LinkClass.SharedMemory, LinkClass.Tcp, LinkClass.Self];
        Assert.Contains("a link has one class", Assert.Throws<ArgumentException>(() => new JobTopology(Ranks(2), links)).Message);
    }

    [Fact]
    public void AMatrixOfTheWrongSizeIsRefused()
    {
        Assert.Contains("needs 4 link classes", Assert.Throws<ArgumentException>(() => new JobTopology(Ranks(2), [LinkClass.Self])).Message);
        Assert.Throws<ArgumentException>(() => new JobTopology([], []));
    }

    [Fact]
    public void SelfOnlyOnTheDiagonal()
    {
        Assert.Throws<ArgumentException>(() => new JobTopology(Ranks(2), [LinkClass.Self, LinkClass.Self, LinkClass.Self, LinkClass.Self]));
        Assert.Throws<ArgumentException>(() => new JobTopology(Ranks(2), [LinkClass.Tcp, LinkClass.Tcp, LinkClass.Tcp, LinkClass.Self]));
    }

    [Fact]
    public void RanksOutOfOrderAreRefused()
    {
        RankPlacement[] ranks = [new(1, "h", "h"), new(0, "h", "h")];
        Assert.Contains("rank order", Assert.Throws<ArgumentException>(
            () => new JobTopology(ranks, JobTopology.SingleHost(2).LinkMatrix)).Message);
    }

    [Fact]
    public void HostsAreNumberedByTheirLowestRank()
    {
        JobTopology topology = JobTopology.FromHostAssignment([1, 0, 1, 2, 0]);
        Assert.Equal(["host1", "host0", "host2"], topology.Hosts.Select(h => h.HostId));
        Assert.Equal([0, 1, 2], topology.Hosts.Select(h => h.Index));
        Assert.Equal([0, 2], topology.Hosts[0].Ranks);
        Assert.Equal([1, 4], topology.Hosts[1].Ranks);
        Assert.Equal([3], topology.Hosts[2].Ranks);
        Assert.Equal([0, 1, 0, 2, 1], Enumerable.Range(0, 5).Select(topology.HostOf));
        Assert.Equal([0, 0, 1, 0, 1], Enumerable.Range(0, 5).Select(topology.LocalIndexOf));
        Assert.False(topology.IsUniform);
        Assert.Equal(2, topology.MaxRanksPerHost);
        Assert.Equal("3 hosts (2+2+1 ranks), shm inside, tcp across", topology.Summary());
    }

    [Fact]
    public void ASubsetRenumbersRanksAndKeepsTheirLinksAndPlaces()
    {
        JobTopology topology = JobTopology.FromHostAssignment([0, 0, 1, 1], LinkClass.SharedMemory, LinkClass.Rdma);
        JobTopology subset = topology.Subset([3, 1, 2]);
        Assert.Equal(3, subset.Size);
        Assert.Equal([0, 1, 2], subset.Ranks.Select(r => r.Rank));
        Assert.Equal(["host1", "host0", "host1"], subset.Ranks.Select(r => r.HostId));
        Assert.Equal(LinkClass.Rdma, subset.LinkBetween(0, 1));
        Assert.Equal(LinkClass.SharedMemory, subset.LinkBetween(0, 2));
        // Host numbering restarts from the subset's own lowest ranks.
        Assert.Equal([0, 2], subset.Hosts[0].Ranks);
        Assert.Equal("host1", subset.Hosts[0].HostId);
    }

    [Fact]
    public void LinkClassesOfAMixedJob()
    {
        JobTopology single = JobTopology.SingleHost(3, LinkClass.SharedMemory);
        Assert.Null(single.InterHostClass);
        Assert.Equal(LinkClass.SharedMemory, single.IntraHostClass);
        JobTopology spread = JobTopology.FromHostSizes([1, 1]);
        Assert.Null(spread.IntraHostClass);
        Assert.Equal(LinkClass.Tcp, spread.InterHostClass);
    }
}
