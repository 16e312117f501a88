using Collectives.Kernels;
using Collectives.Tests.Harness;
using Collectives.Transport.Circuits;

namespace Collectives.Tests.EmulatedCircuits;

/// <summary>
/// Whole communicators on emulated circuits (a recording clock, so nothing sleeps): every
/// collective gives the same bits as without circuits, and the switch moves as the plan says.
/// </summary>
public sealed class CircuitCollectiveTests
{
    private static readonly CommunicatorOptions Options = new() { Timeout = TimeSpan.FromMinutes(2), ChunkBytes = 4096 };

    public static TheoryData<int, string, string> Jobs() => new()
    {
        { 4, "plan=ring", "ring" },
        { 4, "reconfig=20us,plan=matchings", "halving-doubling" },
        { 5, "reconfig=1ms,plan=matchings", "halving-doubling" },
        { 3, "degree=2,plan=rings", "auto" },
        { 8, "reconfig=0us,degree=3,plan=matchings", "auto" },
    };

    private static Communicator[] Group(int size, string algorithm, CircuitEmulation? circuits)
    {
        CommunicatorOptions options = Options with { Algorithm = algorithm == "auto" ? null : algorithm };
        return Communicator.CreateLocalGroup(Enumerable.Repeat(options, size).ToArray(), circuits: circuits);
    }

    private static float[] Input(int rank, int count) =>
        Enumerable.Range(0, count).Select(i => MathF.Sin((i * 0.37f) + rank) * (1 + (rank * 0.1f))).ToArray();

    /// <summary>Every collective and point-to-point call once; returns each rank's outputs, concatenated.</summary>
    /// <summary>Elements per rank of the block collectives (all-reduce's buffer holds this many per rank).</summary>
    private const int CollectiveCount = 3001;

    private static async Task<float[][]> RunEveryCollectiveAsync(Communicator[] group)
    {
        const int n = CollectiveCount;
        return await RankRunner.RunAsync(group, async c =>
        {
            var results = new List<float>();
            float[] data = Input(c.Rank, n * c.Size);
            await c.AllReduceAsync<float>(data, ReduceOp.Sum);
            results.AddRange(data);
            float[] scattered = new float[n];
            await c.ReduceScatterAsync<float>(Input(c.Rank, n * c.Size), scattered, ReduceOp.Max);
            results.AddRange(scattered);
            float[] gathered = new float[n * c.Size];
            await c.AllGatherAsync<float>(Input(c.Rank, n), gathered);
            results.AddRange(gathered);
            float[] broadcast = Input(c.Rank, n);
            await c.BroadcastAsync<float>(broadcast, root: c.Size - 1);
            results.AddRange(broadcast);
            float[] reduced = new float[n];
            await c.ReduceAsync<float>(Input(c.Rank, n), reduced, ReduceOp.Sum, root: 1);
            results.AddRange(reduced);
            float[] exchanged = new float[n * c.Size];
            await c.AllToAllAsync<float>(Input(c.Rank, n * c.Size), exchanged);
            results.AddRange(exchanged);
            float[] received = new float[n];
            int next = (c.Rank + 1) % c.Size, previous = (c.Rank + c.Size - 1) % c.Size;
            Task sending = c.SendAsync<float>(Input(c.Rank, n), next).AsTask();
            await c.ReceiveAsync<float>(received, previous);
            await sending;
            results.AddRange(received);
            await c.BarrierAsync();
            return results.ToArray();
        });
    }

    [Theory]
    [MemberData(nameof(Jobs))]
    public async Task EveryCollectiveGivesTheSameBitsAsWithoutCircuits(int size, string spec, string algorithm)
    {
        var clock = new RecordingCircuitClock();
        var emulation = new CircuitEmulation(CircuitSpecParser.Parse(spec), size, clock);
        Communicator[] emulated = Group(size, algorithm, emulation);
        // Under circuits the selector prices all-reduce, reduce-scatter and all-gather by the circuit model; without
        // them it would pick by the cost model, and another algorithm sums floats in another order.
        string reference = algorithm == "auto"
            ? string.Join(",", new[] { CollectiveKind.AllReduce, CollectiveKind.ReduceScatter, CollectiveKind.AllGather }.Select(kind =>
                $"{kind}={AlgorithmNames.Name(emulated[0].Plan(kind, DataType.Float32, 4L * CollectiveCount * size).Algorithm)}"))
            : algorithm;
        Communicator[] plain = Group(size, reference, null);
        float[][] expected = await RunEveryCollectiveAsync(plain);
        await RankRunner.DisposeAllAsync(plain);

        float[][] actual = await RunEveryCollectiveAsync(emulated);
        await RankRunner.DisposeAllAsync(emulated);

        for (int rank = 0; rank < size; rank++)
        {
            Assert.Equal(expected[rank].Select(BitConverter.SingleToInt32Bits), actual[rank].Select(BitConverter.SingleToInt32Bits));
        }
        Assert.NotEmpty(clock.Waits);
    }

    [Fact]
    public async Task HalvingDoublingOnMatchingsChangesTheSwitchTwicePerCallAtEveryNode()
    {
        var clock = new RecordingCircuitClock();
        var emulation = new CircuitEmulation(CircuitSpecParser.Parse("reconfig=1ms,plan=matchings"), 4, clock);
        Communicator[] group = Group(4, "halving-doubling", emulation);
        const int calls = 3;
        await RankRunner.RunAsync(group, async c =>
        {
            for (int call = 0; call < calls; call++)
            {
                await c.AllReduceAsync<float>(Input(c.Rank, 1 << 16), ReduceOp.Sum);
            }
        });
        await RankRunner.DisposeAllAsync(group);
        // xor 2 → xor 1 for the halving's second step, back to xor 2 for the doubling's last; the next call starts on xor 2.
        for (int node = 0; node < 4; node++)
        {
            Assert.Equal(2 * calls, emulation.NodeOf(node).Changes);
            Assert.Equal(2 * calls * 1e-3, emulation.NodeOf(node).DarkSeconds, 9);
        }
    }

    [Fact]
    public async Task ARingOnAStaticRingNeverChangesTheSwitch()
    {
        var clock = new RecordingCircuitClock();
        var emulation = new CircuitEmulation(CircuitSpecParser.Parse("reconfig=1ms,plan=ring"), 4, clock);
        Communicator[] group = Group(4, "ring", emulation);
        await RankRunner.RunAsync(group, c => c.AllReduceAsync<float>(Input(c.Rank, 1 << 16), ReduceOp.Sum).AsTask());
        await RankRunner.DisposeAllAsync(group);
        Assert.All(Enumerable.Range(0, 4), node => Assert.Equal(0, emulation.NodeOf(node).Changes));
    }

    [Fact]
    public async Task TheOptionsPropertyTurnsCircuitsOnWithTheRealClock()
    {
        CommunicatorOptions options = Options with { Circuits = CircuitSpecParser.Parse("bandwidth=1TB/s,plan=ring") };
        Communicator[] group = Communicator.CreateLocalGroup(4, options);
        float[][] results = await RankRunner.RunAsync(group, async c =>
        {
            float[] data = Enumerable.Repeat((float)c.Rank, 10_000).ToArray();
            await c.AllReduceAsync<float>(data, ReduceOp.Sum);
            return data;
        });
        await RankRunner.DisposeAllAsync(group);
        Assert.All(results, r => Assert.All(r, x => Assert.Equal(6f, x)));
        Assert.Equal(options.Circuits, group[0].Options.Circuits);
    }

    [Fact]
    public async Task TheCallsDeadlineEndsADarkWait()
    {
        // The clock never moves: a ring's first send (node 0 to 1, which starts on matching xor 2) waits for a switch
        // change that never ends, so only the communicator's deadline can end the call.
        var clock = new ManualCircuitClock();
        var emulation = new CircuitEmulation(CircuitSpecParser.Parse("reconfig=10s,plan=matchings"), 4, clock);
        CommunicatorOptions options = Options with { Timeout = TimeSpan.FromSeconds(1), Algorithm = "ring" };
        Communicator[] group = Communicator.CreateLocalGroup(Enumerable.Repeat(options, 4).ToArray(), circuits: emulation);
        Exception?[] errors = await RankRunner.RunCollectingAsync(group, c => c.AllReduceAsync<float>(Input(c.Rank, 1 << 12), ReduceOp.Sum).AsTask());
        Assert.All(errors, e => Assert.IsAssignableFrom<CollectiveException>(e));
        Assert.Contains(errors, e => e is CollectiveTimeoutException);
        await RankRunner.DisposeAllAsync(group);
    }

    [Fact]
    public void RanksThatDisagreeOnTheCircuitsAreRefused()
    {
        CommunicatorOptions[] options = [Options with { Circuits = CircuitSpecParser.Parse("plan=ring") }, Options];
        var error = Assert.Throws<ArgumentException>(() => Communicator.CreateLocalGroup(options));
        Assert.Contains("CommunicatorOptions.Circuits differs between ranks", error.Message);
    }
}
