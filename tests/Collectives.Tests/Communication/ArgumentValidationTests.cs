using Collectives.Tests.Harness;

namespace Collectives.Tests.Communication;

/// <summary>Misuse is caught at the edge with a message that says what was expected, and peers are not left waiting.</summary>
public sealed class ArgumentValidationTests
{
    private static readonly CommunicatorOptions Options = new() { Timeout = TimeSpan.FromSeconds(30) };

    public static TheoryData<string, string> Misuses() => new()
    {
        { "allreduce output too small", "output is too small: it holds 3 elements but needs 4" },
        { "reducescatter input not divisible", "not a multiple of the communicator size 2" },
        { "reducescatter output too small", "output is too small: it holds 1 elements but needs 2" },
        { "allgather output too small", "output is too small: it holds 5 elements but needs 6" },
        { "broadcast root out of range", "root must be a rank in [0, 2)" },
        { "reduce negative root", "root must be a rank in [0, 2)" },
        { "alltoall input not divisible", "not a multiple of the communicator size 2" },
        { "bitwise op on float", "BitXor is not defined for float: bitwise ops apply to integer element types only" },
        { "undefined op", "undefined ReduceOp" },
        { "unsupported element type", "element type Decimal is not supported" },
        { "send to self", "peer is this rank itself" },
        { "receive from missing rank", "peer must be a rank in [0, 2)" },
        { "overlapping buffers", "overlap at an offset of 1 elements" },
    };

    [Theory]
    [MemberData(nameof(Misuses))]
    public async Task RejectsMisuseWithAMessageThatSaysWhatWasExpected(string misuse, string expected)
    {
        Communicator[] group = Communicator.CreateLocalGroup(2, Options);
        Communicator c = group[0];
        int[] four = new int[4];
        var error = await Assert.ThrowsAnyAsync<ArgumentException>(async () =>
        {
            switch (misuse)
            {
                case "allreduce output too small": await c.AllReduceAsync<int>(four, new int[3], ReduceOp.Sum); break;
                case "reducescatter input not divisible": await c.ReduceScatterAsync<int>(new int[5], new int[5], ReduceOp.Sum); break;
                case "reducescatter output too small": await c.ReduceScatterAsync<int>(four, new int[1], ReduceOp.Sum); break;
                case "allgather output too small": await c.AllGatherAsync<int>(new int[3], new int[5]); break;
                case "broadcast root out of range": await c.BroadcastAsync<int>(four, root: 2); break;
                case "reduce negative root": await c.ReduceAsync<int>(four, four, ReduceOp.Sum, root: -1); break;
                case "alltoall input not divisible": await c.AllToAllAsync<int>(new int[3], new int[3]); break;
                case "bitwise op on float": await c.AllReduceAsync<float>(new float[4], ReduceOp.BitXor); break;
                case "undefined op": await c.AllReduceAsync<int>(four, (ReduceOp)42); break;
                case "unsupported element type": await c.AllReduceAsync<decimal>(new decimal[4], ReduceOp.Sum); break;
                case "send to self": await c.SendAsync<int>(four, peer: 0); break;
                case "receive from missing rank": await c.ReceiveAsync<int>(four, peer: 2); break;
                case "overlapping buffers": await c.AllReduceAsync<int>(four.AsMemory(0, 3), four.AsMemory(1, 3), ReduceOp.Sum); break;
                default: throw new ArgumentOutOfRangeException(nameof(misuse));
            }
        });
        Assert.Contains(expected, error.Message);
        Assert.StartsWith("Rank 0: ", error.Message);
        await RankRunner.DisposeAllAsync(group);
    }

    [Fact]
    public async Task APeerWaitingInTheSameCallFailsFastNamingTheRejectingRank()
    {
        Communicator[] group = Communicator.CreateLocalGroup(3, Options);
        Exception?[] errors = await RankRunner.RunCollectingAsync(group, async c =>
        {
            int[] input = new int[8];
            // Rank 1 passes an output that is too small; the others are already waiting for it.
            await c.AllReduceAsync<int>(input, new int[c.Rank == 1 ? 4 : 8], ReduceOp.Sum);
        });
        Assert.IsType<ArgumentException>(errors[1]);
        foreach (int rank in new[] { 0, 2 })
        {
            var error = Assert.IsAssignableFrom<CollectiveException>(errors[rank]);
            Assert.Contains("rank 1 reported: Rank 1 rejected its AllReduce call", error.Message);
            Assert.IsNotType<CollectiveTimeoutException>(error);
        }
        await RankRunner.DisposeAllAsync(group);
    }

    [Fact]
    public async Task DisposedCommunicatorThrowsObjectDisposed()
    {
        Communicator[] group = Communicator.CreateLocalGroup(2, Options);
        await group[0].DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => group[0].AllReduceAsync<int>(new int[1], ReduceOp.Sum).AsTask());
        await Assert.ThrowsAsync<ObjectDisposedException>(() => group[0].BarrierAsync().AsTask());
        await group[1].DisposeAsync();
    }

    [Fact]
    public async Task ASecondCollectiveWhileOneIsRunningIsRefused()
    {
        Communicator[] group = Communicator.CreateLocalGroup(2, Options);
        // Rank 1 never joins, so rank 0's first call stays in flight.
        Task first = group[0].AllReduceAsync<int>(new int[4], ReduceOp.Sum).AsTask();
        var error = Assert.Throws<InvalidOperationException>(() => group[0].BarrierAsync());
        Assert.Contains("AllReduce(int × 4, Sum, recursive-doubling) #1 is still running", error.Message);
        group[0].Abort("test over");
        await Assert.ThrowsAnyAsync<CollectiveException>(() => first);
        await RankRunner.DisposeAllAsync(group);
    }

    [Fact]
    public void GroupSizeAndOptionsAreChecked()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Communicator.CreateLocalGroup(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Communicator.CreateLocalGroup(2, new CommunicatorOptions { Timeout = TimeSpan.Zero }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Communicator.CreateLocalGroup(2, new CommunicatorOptions { ChunkBytes = 8 }));
        var error = Assert.Throws<ArgumentException>(() => Communicator.CreateLocalGroup(2, new CommunicatorOptions { Algorithm = "allgather=tree" }));
        Assert.Contains("AllGather has no 'tree' algorithm", error.Message);
        Assert.Contains("allreduce: ring, tree, halving-doubling", error.Message);
        Assert.Throws<ArgumentException>(() => Communicator.CreateLocalGroup(2, new CommunicatorOptions { Algorithm = "fastest" }));
    }
}
