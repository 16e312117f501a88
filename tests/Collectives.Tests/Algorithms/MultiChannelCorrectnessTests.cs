using Collectives.Selection;
using Collectives.Tests.Harness;
using Collectives.Topology;

namespace Collectives.Tests.Algorithms;

/// <summary>
/// Ring all-reduce split over several channels (link sets), the odd ones turning the other way:
/// chosen by the selector when the cost profile says links run several streams, and bit for bit
/// equal to the serial reference on every rank, every type and op, in and out of place.
/// </summary>
public sealed class MultiChannelCorrectnessTests
{
    /// <summary>In-process links that run four streams side by side: several channels pay.</summary>
    private static CostProfile FourStreams => CostDefaults.Profile.With(LinkClass.InProcess,
        CostDefaults.Profile.Links[LinkClass.InProcess] with { Streams = 4 });

    [Theory]
    [InlineData(2, 2)]
    [InlineData(3, 2)]
    [InlineData(4, 4)]
    [InlineData(5, 3)]
    public async Task MatchesSerialReference(int ranks, int channels)
    {
        var options = new CommunicatorOptions
        {
            Algorithm = "allreduce=ring",
            ChunkBytes = 64 << 10,
            Channels = channels,
            CostProfile = FourStreams,
            Timeout = TimeSpan.FromSeconds(60),
        };
        Communicator[] group = Communicator.CreateLocalGroup(ranks, options);
        try
        {
            const int Count = 1 << 20;
            AlgorithmChoice plan = AlgorithmSelector.Choose(CollectiveKind.AllReduce, global::Collectives.Kernels.DataType.Float32, Count * sizeof(float),
                group[0].Topology, FourStreams, AlgorithmOverrides.Parse(options.Algorithm), options.ChunkBytes, channels);
            Assert.True(plan.Channels > 1, $"the selector should split {Count} floats over channels: {plan}");
            var check = new CollectiveChecks(group);
            foreach (int count in new[] { 0, 1, ranks + 1, 300_007, Count })
            {
                await check.AllTypesAsync("allreduce", count);
            }
        }
        finally
        {
            await RankRunner.DisposeAllAsync(group);
        }
    }

    [Fact]
    public void OneStreamPerLinkNeverSplits()
    {
        // Loopback TCP and shared memory fill with one stream: channels only add latency.
        SelectionExplanation explanation = AlgorithmSelector.Explain(CollectiveKind.AllReduce, global::Collectives.Kernels.DataType.Float32, 256 << 20,
            JobTopology.SingleHost(4, LinkClass.SharedMemory), CostDefaults.Profile, maxChannels: 8);
        Assert.All(explanation.Candidates, c => Assert.Equal(1, c.Channels));
    }

    [Fact]
    public void ManyStreamsSplitLargeCallsButNotSmallOnes()
    {
        CostProfile profile = CostDefaults.Profile.With(LinkClass.Tcp, CostDefaults.Profile.Links[LinkClass.Tcp] with { Streams = 4 });
        JobTopology topology = JobTopology.FromHostSizes([1, 1, 1, 1]);
        CandidateCost large = AlgorithmSelector.Explain(CollectiveKind.AllReduce, global::Collectives.Kernels.DataType.Float32, 256 << 20, topology, profile, maxChannels: 8)
            .Candidates.Single(c => c.Algorithm == Algorithm.Ring);
        Assert.Equal(4, large.Channels);
        CandidateCost small = AlgorithmSelector.Explain(CollectiveKind.AllReduce, global::Collectives.Kernels.DataType.Float32, 256 << 10, topology, profile, maxChannels: 8)
            .Candidates.Single(c => c.Algorithm == Algorithm.Ring);
        Assert.Equal(1, small.Channels);
    }

    [Fact]
    public void StreamsTravelThroughTheTuneProfileFile()
    {
        CostProfile profile = CostDefaults.Profile.With(LinkClass.Tcp, CostDefaults.Profile.Links[LinkClass.Tcp] with { Streams = 4 });
        CostProfile read = CostProfileJson.Parse(CostProfileJson.Write(profile), "test");
        Assert.Equal(4, read.Links[LinkClass.Tcp].Streams);
        Assert.Equal(1, read.Links[LinkClass.SharedMemory].Streams);
        var error = Assert.Throws<FormatException>(() => CostProfileJson.Parse(
            """{"version":1,"links":{"tcp":{"alpha_us":7,"beta_ns_per_byte":[[1,1]],"streams":0}}}""", "bad.json"));
        Assert.Contains("links.tcp.streams", error.Message);
    }

    [Fact]
    public void ChannelsComeFromTheJobEnvironment()
    {
        static global::Collectives.Bootstrap.JobLaunchInfo Job(string? channels)
        {
            var environment = new Dictionary<string, string>
            {
                [global::Collectives.Bootstrap.EnvironmentVariables.Rank] = "0",
                [global::Collectives.Bootstrap.EnvironmentVariables.Size] = "2",
                [global::Collectives.Bootstrap.EnvironmentVariables.LocalSize] = "2",
                [global::Collectives.Bootstrap.EnvironmentVariables.JobId] = "channels-test",
            };
            if (channels is not null)
            {
                environment[global::Collectives.Bootstrap.EnvironmentVariables.Channels] = channels;
            }
            return global::Collectives.Bootstrap.JobEnvironment.Parse(environment);
        }
        Assert.Null(Job(null).Channels);
        Assert.Equal(3, Job("3").Channels);
        var error = Assert.Throws<JobEnvironmentException>(() => Job("0"));
        Assert.Contains("COLLECTIVES_CHANNELS=0 is not a channel count", error.Message);
    }
}
