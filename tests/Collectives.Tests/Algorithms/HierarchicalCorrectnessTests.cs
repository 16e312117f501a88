using Collectives.Tests.Harness;
using Collectives.Topology;

namespace Collectives.Tests.Algorithms;

/// <summary>
/// The hierarchical all-reduces on emulated hosts (in one process, the topology given through
/// CommunicatorOptions): equal and unequal ranks per host, hosts whose ranks are not numbered
/// together, one rank per host, every type and op, in and out of place, bit for bit against the
/// serial reference on every rank.
/// </summary>
public sealed class HierarchicalCorrectnessTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        // Host of each rank, as a string so the case names read well.
        string[] layouts = ["0,0,1,1", "0,0,1,2,2,2", "0,1", "0,1,0,1,2", "0,0,0,0,1", "0,0,0,1,1,1,2,2,2", "0,0,0"];
        foreach (string algorithm in new[] { "hierarchical", "2d-ring" })
        {
            foreach (string layout in layouts)
            {
                data.Add(algorithm, layout);
            }
        }
        return data;
    }

    public static TheoryData<string, string> TwoLevelCases()
    {
        var data = new TheoryData<string, string>();
        // Equal hosts only; "0,1,0,1,2,2" has hosts whose ranks are not numbered together.
        foreach (string collective in new[] { "allgather", "reducescatter" })
        {
            foreach (string layout in new[] { "0,0,1,1", "0,1,0,1,2,2", "0,0,0,1,1,1,2,2,2", "0,1", "0,0,0" })
            {
                data.Add(collective, layout);
            }
        }
        // The all-gather also runs on unequal hosts (lanes); "1,0,0,2,2,2,0" is unequal and unordered.
        foreach (string layout in new[] { "0,0,1,2,2,2", "0,0,0,0,1", "1,0,0,2,2,2,0", "0,1,1" })
        {
            data.Add("allgather", layout);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(TwoLevelCases))]
    public async Task TwoLevelAllGatherAndReduceScatterMatchSerialReference(string collective, string layout) =>
        await CheckOnHostsAsync(collective, $"{collective}=hierarchical", layout, ranks => [0, 1, ranks + 1, 30_011]);

    [Fact]
    public async Task ForcingTheTwoLevelReduceScatterOnUnequalHostsListsThePossibleAlgorithms()
    {
        var options = new CommunicatorOptions
        {
            Algorithm = "reducescatter=hierarchical",
            Topology = JobTopology.FromHostSizes([2, 1]),
        };
        Communicator[] group = Communicator.CreateLocalGroup(3, options);
        try
        {
            var error = await Assert.ThrowsAsync<ArgumentException>(() => group[0].ReduceScatterAsync<float>(new float[12], new float[4], ReduceOp.Sum).AsTask());
            Assert.Contains("same number of ranks on every host", error.Message);
            Assert.Contains("Possible here: ring", error.Message);
        }
        finally
        {
            await RankRunner.DisposeAllAsync(group);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task MatchesSerialReference(string algorithm, string layout) =>
        await CheckOnHostsAsync("allreduce", $"allreduce={algorithm}", layout, ranks => [0, 1, ranks - 1, (3 * ranks) + 1, 100_003]);

    /// <summary>Runs <paramref name="collective"/> for every type and op on hosts given as "host of rank 0, host of rank 1, ...".</summary>
    private static async Task CheckOnHostsAsync(string collective, string algorithm, string layout, Func<int, int[]> counts)
    {
        int[] hostOf = layout.Split(',').Select(int.Parse).ToArray();
        int ranks = hostOf.Length;
        var options = new CommunicatorOptions
        {
            Algorithm = algorithm,
            ChunkBytes = 64 << 10,
            Timeout = TimeSpan.FromSeconds(60),
            Topology = JobTopology.FromHostAssignment(hostOf),
        };
        Communicator[] group = Communicator.CreateLocalGroup(ranks, options);
        try
        {
            var check = new CollectiveChecks(group);
            foreach (int count in counts(ranks).Distinct())
            {
                await check.AllTypesAsync(collective, count);
            }
        }
        finally
        {
            await RankRunner.DisposeAllAsync(group);
        }
    }
}
