using Collectives.Tests.Harness;
using Collectives.Topology;

namespace Collectives.Tests.Algorithms;

/// <summary>
/// The hierarchical all-reduces, all-gathers and reduce-scatters on emulated hosts (in one
/// process, the topology given through CommunicatorOptions): equal and unequal ranks per host,
/// hosts whose ranks are not numbered together, one rank per host, every type and op, in and out
/// of place, bit for bit against the serial reference on every rank.
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
        // Both also run on unequal hosts (lanes); "1,0,0,2,2,2,0" is unequal and unordered.
        foreach (string collective in new[] { "allgather", "reducescatter" })
        {
            foreach (string layout in new[] { "0,0,1,2,2,2", "0,0,0,0,1", "1,0,0,2,2,2,0", "0,1,1" })
            {
                data.Add(collective, layout);
            }
        }
        // Hosts of 1+4 and 3+3+1+2 ranks: lanes that a host's ranks split unevenly (4 lanes among 3,
        // 3 among 2), hosts that own every lane, and more ranks than cores.
        foreach (string layout in new[] { "0,1,1,1,1", "0,0,0,1,1,1,2,3,3" })
        {
            data.Add("reducescatter", layout);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(TwoLevelCases))]
    public async Task TwoLevelAllGatherAndReduceScatterMatchSerialReference(string collective, string layout) =>
        await CheckOnHostsAsync(collective, $"{collective}=hierarchical", layout, ranks => [0, 1, ranks + 1, 30_011]);

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
