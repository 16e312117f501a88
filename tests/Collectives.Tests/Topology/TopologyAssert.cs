using Collectives.Topology;

namespace Collectives.Tests.Topology;

/// <summary>Equality of topologies for tests: the same placements, rank by rank, and the same link matrix.</summary>
internal static class TopologyAssert
{
    public static void Equal(JobTopology expected, JobTopology actual)
    {
        Assert.Equal(expected.Size, actual.Size);
        Assert.Equal(expected.Ranks, actual.Ranks);
        Assert.Equal(expected.LinkMatrix, actual.LinkMatrix);
    }
}
