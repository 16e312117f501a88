using Collectives.Kernels;
using Collectives.Selection;
using Collectives.Tests.Harness;
using Collectives.Transport.Circuits;

namespace Collectives.Tests.EmulatedCircuits;

/// <summary>
/// In-process groups under plan=auto (a recording clock, so nothing sleeps and nothing depends on
/// timing): the selector picks per call, the emulation follows the picked algorithm's plan, every
/// result is exact, and the switch changes as often as the model that priced the choice says.
/// </summary>
public sealed class CircuitAutoPlanTests
{
    private static readonly CommunicatorOptions Options = new() { Timeout = TimeSpan.FromMinutes(2), ChunkBytes = 4096 };

    /// <summary>Element counts per rank: tiny calls go to recursive doubling, larger ones to halving-doubling or the ring (per spec).</summary>
    private static readonly int[] Counts = [1, 7, 1000, 3001, 65539];

    // Small integers: every order of summing them gives the same float, so a reference needs no algorithm.
    private static float Value(int rank, int index) => ((index * 31) + (rank * 17)) % 97 - 48;

    private static float[] Input(int rank, int count) => Enumerable.Range(0, count).Select(i => Value(rank, i)).ToArray();

    private static Communicator[] Group(int size, CircuitEmulation emulation) =>
        Communicator.CreateLocalGroup(Enumerable.Repeat(Options, size).ToArray(), circuits: emulation);

    public static TheoryData<int, string> Jobs() => new()
    {
        // Per the circuit model at the in-process links' alpha: 4 ranks at 2 us take recursive doubling then
        // halving-doubling; 6 (folded) and 8 at 7 us recursive doubling then the ring; 8 at 2 us halving-doubling.
        // Reduce-scatter and all-gather are ring algorithms, so every job moves between the ring and the matchings.
        { 4, "reconfig=2us,bandwidth=250MB/s,plan=auto" },
        { 6, "reconfig=2us,bandwidth=250MB/s,plan=auto" },
        { 8, "reconfig=7us,bandwidth=250MB/s,plan=auto" },
        { 8, "reconfig=2us,bandwidth=250MB/s,plan=auto" },
    };

    [Theory]
    [MemberData(nameof(Jobs))]
    public async Task EveryCollectiveIsExactOnTheAlgorithmTheSelectorPicks(int size, string spec)
    {
        var clock = new RecordingCircuitClock();
        var emulation = new CircuitEmulation(CircuitSpecParser.Parse(spec), size, clock);
        Communicator[] group = Group(size, emulation);
        Algorithm[] allReduces = Counts.Select(n => group[0].Plan(CollectiveKind.AllReduce, DataType.Float32, 4L * n).Algorithm).ToArray();
        Assert.Contains(allReduces, a => a is Algorithm.HalvingDoubling or Algorithm.RecursiveDoubling);
        Assert.Equal(Algorithm.Ring, group[0].Plan(CollectiveKind.ReduceScatter, DataType.Float32, 4L * size * Counts[^1]).Algorithm);

        float[][][] outputs = await RankRunner.RunAsync(group, async c =>
        {
            var results = new List<float[]>();
            foreach (int n in Counts)
            {
                float[] reduced = Input(c.Rank, n);
                await c.AllReduceAsync<float>(reduced, ReduceOp.Sum);
                results.Add(reduced);
                float[] scattered = new float[n];
                await c.ReduceScatterAsync<float>(Input(c.Rank, n * c.Size), scattered, ReduceOp.Sum);
                results.Add(scattered);
                float[] gathered = new float[n * c.Size];
                await c.AllGatherAsync<float>(Input(c.Rank, n), gathered);
                results.Add(gathered);
            }
            return results.ToArray();
        });
        await RankRunner.DisposeAllAsync(group);

        for (int rank = 0; rank < size; rank++)
        {
            int call = 0;
            foreach (int n in Counts)
            {
                float[] sum = Enumerable.Range(0, n * size).Select(i => Enumerable.Range(0, size).Sum(r => Value(r, i))).ToArray();
                float[] gathered = Enumerable.Range(0, size).SelectMany(r => Input(r, n)).ToArray();
                AssertBits(sum.AsSpan(0, n).ToArray(), outputs[rank][call++], $"all-reduce of {n} on rank {rank}");
                AssertBits(sum.AsSpan(rank * n, n).ToArray(), outputs[rank][call++], $"reduce-scatter of {n} on rank {rank}");
                AssertBits(gathered, outputs[rank][call++], $"all-gather of {n} on rank {rank}");
            }
        }
        Assert.All(Enumerable.Range(0, size), node => Assert.True(emulation.NodeOf(node).Changes > 0, $"node {node} never changed circuits"));
        if ((size & (size - 1)) == 0)
        {
            // Without a fold every node takes part in every step, so every node takes the same configurations.
            Assert.All(Enumerable.Range(0, size), node => Assert.Equal(emulation.NodeOf(0).Changes, emulation.NodeOf(node).Changes));
        }
    }

    [Fact]
    public async Task TheSwitchChangesAsOftenAsTheModelPlansAndOnceMoreWhereThePlanChanges()
    {
        const int size = 8;
        const int count = 65539;
        CircuitSpec spec = CircuitSpecParser.Parse("reconfig=2us,bandwidth=250MB/s,plan=auto");
        var emulation = new CircuitEmulation(spec, size, new RecordingCircuitClock());
        Communicator[] group = Group(size, emulation);
        long bytes = 4L * count;
        Assert.Equal(Algorithm.HalvingDoubling, group[0].Plan(CollectiveKind.AllReduce, DataType.Float32, bytes).Algorithm);
        Assert.Equal(Algorithm.Ring, group[0].Plan(CollectiveKind.ReduceScatter, DataType.Float32, bytes * size).Algorithm);
        var model = new CircuitCostModel(spec.BuildFabric(size), spec.Plan, "test", group[0].Topology, CostDefaults.Profile);
        int perCall = model.Predict(CollectiveKind.AllReduce, Algorithm.HalvingDoubling, DataType.Float32, bytes)!.Reconfigurations;
        Assert.Equal(4, perCall);
        Assert.Equal(0, model.Predict(CollectiveKind.ReduceScatter, Algorithm.Ring, DataType.Float32, bytes * size)!.Reconfigurations);

        await RankRunner.RunAsync(group, async c =>
        {
            for (int call = 0; call < 3; call++)
            {
                await c.AllReduceAsync<float>(Input(c.Rank, count), ReduceOp.Sum);
            }
            for (int call = 0; call < 2; call++)
            {
                await c.ReduceScatterAsync<float>(Input(c.Rank, count * c.Size), new float[count], ReduceOp.Sum);
            }
            for (int call = 0; call < 3; call++)
            {
                await c.AllReduceAsync<float>(Input(c.Rank, count), ReduceOp.Sum);
            }
        });
        await RankRunner.DisposeAllAsync(group);

        // The model prices a call that starts on its own plan's first configuration, as a repeated call leaves it; the
        // emulation also pays each move between plans: ring → xor 4 before the first all-reduce, back to the ring for the
        // reduce-scatters, and to xor 4 again.
        long expected = (6 * perCall) + 3;
        for (int node = 0; node < size; node++)
        {
            Assert.Equal(expected, emulation.NodeOf(node).Changes);
            Assert.Equal(expected * 2e-6, emulation.NodeOf(node).DarkSeconds, 12);
        }
    }

    private static void AssertBits(float[] expected, float[] actual, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: {actual.Length} elements, expected {expected.Length}");
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
            {
                Assert.Fail($"{what}: element {i} is {actual[i]}, expected {expected[i]}");
            }
        }
    }
}
