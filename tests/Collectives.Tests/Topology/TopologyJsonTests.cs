using Collectives.Topology;

namespace Collectives.Tests.Topology;

/// <summary>
/// The JSON topology format: what it writes reads back equal, operators' short files mean what
/// they say, and every kind of mistake is a <see cref="TopologyFormatException"/> naming the field.
/// </summary>
public sealed class TopologyJsonTests
{
    [Fact]
    public void ADetectedLookingTopologyRoundTrips()
    {
        var ranks = new[]
        {
            new RankPlacement(0, "id-a", "node-a", 0, 0, 3, "eth0", "10.0.0.1"),
            new RankPlacement(1, "id-a", "node-a", 1, 1, -1, "eth0", "10.0.0.1"),
            new RankPlacement(2, "id-b", "node-b", -1, -1, -1, null, null),
        };
        JobTopology topology = new JobTopology(ranks, JobTopology.FromHostAssignment([0, 0, 1]).LinkMatrix);
        string json = TopologyJson.Write(topology);
        TopologyAssert.Equal(topology, TopologyJson.Parse(json));
        Assert.Contains("\"links\": {\"intra\": \"shm\", \"inter\": \"tcp\"}", json);
        Assert.Contains("[\"self\", \"shm\", \"tcp\"]", json);
    }

    [Fact]
    public void RandomTopologiesRoundTrip()
    {
        var random = new Random(20240611);
        for (int i = 0; i < 2000; i++)
        {
            JobTopology topology = RandomTopologies.Next(random);
            string json = TopologyJson.Write(topology);
            JobTopology back;
            try
            {
                back = TopologyJson.Parse(json);
            }
            catch (TopologyFormatException e)
            {
                throw new Xunit.Sdk.XunitException($"case {i}: {e.Message}\n{json}");
            }
            TopologyAssert.Equal(topology, back);
            Assert.Equal(json, TopologyJson.Write(back));
        }
    }

    [Fact]
    public void ALargeJobThatFollowsItsHostsIsWrittenWithoutAMatrixAndReadsBackEqual()
    {
        JobTopology topology = JobTopology.FromHostSizes(Enumerable.Repeat(8, 40).ToArray(), LinkClass.SharedMemory, LinkClass.Rdma);
        string json = TopologyJson.Write(topology);
        Assert.DoesNotContain("matrix", json);
        TopologyAssert.Equal(topology, TopologyJson.Parse(json));
    }

    [Fact]
    public void AnOperatorFileMaySayOnlyWhichHostEachRankIsOn()
    {
        JobTopology topology = TopologyJson.Parse("""
            // two hosts of two ranks; links default to shm inside a host and tcp across
            {"version": 1, "ranks": ["a", "a", {"host": "b"}, {"host": "b", "core": 5},]}
            """);
        var expected = new JobTopology(
            [new RankPlacement(0, "a", "a"), new RankPlacement(1, "a", "a"), new RankPlacement(2, "b", "b"), new RankPlacement(3, "b", "b", Core: 5)],
            JobTopology.FromHostSizes([2, 2], LinkClass.SharedMemory, LinkClass.Tcp).LinkMatrix);
        TopologyAssert.Equal(expected, topology);
        Assert.Equal("2 hosts (2+2 ranks), shm inside, tcp across", topology.Summary());
    }

    [Fact]
    public void AnOperatorFileChoosesTheLinkClasses()
    {
        JobTopology topology = TopologyJson.Parse("""
            {"version": 1, "ranks": [{"host": "a", "hostId": "1"}, {"host": "b", "hostId": "2"}, {"host": "a2", "hostId": "1"}],
             "links": {"intra": "shm", "inter": "RDMA"}}
            """);
        Assert.Equal(LinkClass.Rdma, topology.LinkBetween(0, 1));
        Assert.Equal(LinkClass.SharedMemory, topology.LinkBetween(0, 2));
        Assert.Equal([0, 2], topology.Hosts[0].Ranks);
        Assert.Equal("a", topology.Hosts[0].HostName);
    }

    public static TheoryData<string, string, string> Mistakes() => new()
    {
        { "", "", "not valid JSON" },
        { "[]", "", "expected an object" },
        { """{"ranks": ["a"]}""", "version", "missing" },
        { """{"version": 2, "ranks": ["a"]}""", "version", "this build reads version 1" },
        { """{"version": "1", "ranks": ["a"]}""", "version", "expected a whole number from 0 up, got a string" },
        { """{"version": 1}""", "ranks", "missing" },
        { """{"version": 1, "ranks": []}""", "ranks", "empty" },
        { """{"version": 1, "ranks": {}}""", "ranks", "expected an array" },
        { """{"version": 1, "ranks": ["a"], "rank": 3}""", "rank", "unknown field" },
        { """{"version": 1, "version": 1, "ranks": ["a"]}""", "version", "given twice" },
        { """{"version": 1, "ranks": ["a", {"host": "b", "numa": 1.5}]}""", "ranks[1].numa", "got the number 1.5" },
        { """{"version": 1, "ranks": ["a", {"host": "b", "core": -2}]}""", "ranks[1].core", "from -1 up" },
        { """{"version": 1, "ranks": ["a", {"host": "b", "numa": 99999999999}]}""", "ranks[1].numa", "whole number" },
        { """{"version": 1, "ranks": ["a", {"hostid": "b"}]}""", "ranks[1].hostid", "unknown field" },
        { """{"version": 1, "ranks": ["a", {"numa": 0}]}""", "ranks[1]", "neither \"host\" nor \"hostId\"" },
        { """{"version": 1, "ranks": ["a", {"host": ""}]}""", "ranks[1].host", "must not be empty" },
        { """{"version": 1, "ranks": ["a", {"host": null}]}""", "ranks[1].host", "must not be null" },
        { """{"version": 1, "ranks": ["a", {"host": "b", "interface": 3}]}""", "ranks[1].interface", "expected a string" },
        { """{"version": 1, "ranks": ["a", {"host": "b", "rank": 0}]}""", "ranks[1].rank", "0 at position 1" },
        { """{"version": 1, "ranks": ["a", 7]}""", "ranks[1]", "expected a host name or an object" },
        { """{"version": 1, "ranks": ["\ud800"]}""", "ranks[0]", "not valid text" },
        { """{"version": 1, "ranks": ["a"], "links": {"intra": "fibre"}}""", "links.intra", "not a link class" },
        { """{"version": 1, "ranks": ["a"], "links": {"inter": "self"}}""", "links.inter", "\"self\" is the link of a rank to itself" },
        { """{"version": 1, "ranks": ["a"], "links": {"across": "tcp"}}""", "links.across", "unknown field" },
        { """{"version": 1, "ranks": ["a", "b"], "matrix": [["self", "tcp"]]}""", "matrix", "1 rows for 2 ranks" },
        { """{"version": 1, "ranks": ["a", "b"], "matrix": [["self", "tcp"], ["tcp"]]}""", "matrix[1]", "1 entries for 2 ranks" },
        { """{"version": 1, "ranks": ["a", "b"], "matrix": [["self", "tcp"], ["shm", "self"]]}""", "matrix[0][1]", "but matrix[1][0] is \"shm\"" },
        { """{"version": 1, "ranks": ["a", "b"], "matrix": [["tcp", "tcp"], ["tcp", "self"]]}""", "matrix[0][0]", "a rank's link to itself is \"self\"" },
        { """{"version": 1, "ranks": ["a", "b"], "matrix": [["self", "self"], ["self", "self"]]}""", "matrix[0][1]", "only a rank and itself" },
        { """{"version": 1, "ranks": ["a", "b"], "matrix": [["self", 3], [3, "self"]]}""", "matrix[0][1]", "expected a link class name" },
        { """{"version": 1, "ranks": ["a", "b"], "links": {"inter": "rdma"}, "matrix": [["self", "tcp"], ["tcp", "self"]]}""", "matrix[0][1]", "links.inter says \"rdma\"" },
        { """{"version": 1, "ranks": ["a"]} {}""", "", "not valid JSON" },
        { """{"version": 1, "ranks": ["a"]""", "", "not valid JSON" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public void EveryMistakeNamesItsField(string json, string field, string message)
    {
        TopologyFormatException error = Assert.Throws<TopologyFormatException>(() => TopologyJson.Parse(json));
        Assert.Equal(field, error.Field);
        Assert.Contains(message, error.Message);
        if (field.Length > 0)
        {
            Assert.StartsWith(field + ": ", error.Message);
        }
    }

    [Fact]
    public void StringsAndRankCountsAreCapped()
    {
        string longName = new('x', TopologyJson.MaxStringBytes + 1);
        Assert.Equal("ranks[0]", Assert.Throws<TopologyFormatException>(() => TopologyJson.Parse($$"""{"version": 1, "ranks": ["{{longName}}"]}""")).Field);
        var named = new JobTopology([new RankPlacement(0, longName, "a")], [LinkClass.Self]);
        Assert.Throws<ArgumentException>(() => TopologyJson.Write(named));
        string tooMany = "{\"version\": 1, \"ranks\": [" + string.Join(",", Enumerable.Repeat("\"a\"", TopologyJson.MaxRanks + 1)) + "]}";
        TopologyFormatException error = Assert.Throws<TopologyFormatException>(() => TopologyJson.Parse(tooMany));
        Assert.Equal("ranks", error.Field);
        Assert.Contains("more than 8192", error.Message);
        string exactlyMax = "{\"version\": 1, \"ranks\": [" + string.Join(",", Enumerable.Repeat("\"a\"", 1024)) + "]}";
        Assert.Equal(1024, TopologyJson.Parse(exactlyMax).Size);
        Assert.Throws<TopologyFormatException>(() => TopologyJson.Parse(new string(' ', TopologyJson.MaxDocumentChars + 1)));
    }
}
