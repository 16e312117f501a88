using Collectives.Cli.CommandLine;
using Collectives.Cli.Perf;
using Collectives.Kernels;

namespace Collectives.Tests.Cli;

/// <summary>Every perf flag, its spellings and defaults, and the message each bad value gets.</summary>
public sealed class PerfOptionsParserTests
{
    [Fact]
    public void NoArgumentsGiveTheNcclTestsDefaults()
    {
        PerfOptions options = PerfOptionsParser.Parse([]);
        Assert.Equal(CollectiveKind.AllReduce, options.Collective);
        Assert.Equal(8, options.MinBytes);
        Assert.Equal(32L << 20, options.MaxBytes);
        Assert.Equal(2, options.StepFactor);
        Assert.Equal(0, options.StepBytes);
        Assert.Equal(20, options.Iterations);
        Assert.Equal(5, options.WarmupIterations);
        Assert.True(options.Check);
        Assert.Equal(ReduceOp.Sum, options.Op);
        Assert.Equal(DataType.Float32, options.DataType);
        Assert.Equal(0, options.Root);
        Assert.Equal(2, options.Ranks);
        Assert.Null(options.Algorithm);
        Assert.Equal("inprocess", options.Transport);
        Assert.False(options.Json);
        Assert.False(options.Help);
        Assert.Equal(CommunicatorOptions.DefaultChunkBytes, options.ChunkBytes);
        Assert.Equal(0, options.OffsetBytes);
        Assert.Equal(CommunicatorOptions.DefaultTimeout, options.Timeout);
    }

    [Fact]
    public void ABudgetScalesIterationsBySizeLikeThePeersBenchmarks()
    {
        PerfOptions fixedCount = PerfOptionsParser.Parse(["-n", "1000", "-w", "100"]);
        Assert.Equal(0, fixedCount.BudgetBytes);
        Assert.Equal(1000, fixedCount.IterationsFor(1L << 30));
        Assert.Equal(100, fixedCount.WarmupFor(1L << 30));

        PerfOptions budget = PerfOptionsParser.Parse(["-n", "1000", "-w", "100", "-B", "512M"]);
        Assert.Equal(512L << 20, budget.BudgetBytes);
        Assert.Equal(1000, budget.IterationsFor(8)); // capped by -n
        Assert.Equal(100, budget.WarmupFor(8)); // a fifth, capped by -w
        Assert.Equal(512, budget.IterationsFor(1 << 20));
        Assert.Equal(100, budget.WarmupFor(1 << 20));
        Assert.Equal(32, budget.IterationsFor(16 << 20));
        Assert.Equal(6, budget.WarmupFor(16 << 20));
        Assert.Equal(5, budget.IterationsFor(256 << 20)); // never fewer than 5
        Assert.Equal(2, budget.WarmupFor(256 << 20));
        Assert.Equal(budget, PerfOptionsParser.Parse(["-n", "1000", "-w", "100", "--budget", "536870912"]));
    }

    [Theory]
    [InlineData("allreduce", CollectiveKind.AllReduce)]
    [InlineData("reducescatter", CollectiveKind.ReduceScatter)]
    [InlineData("allgather", CollectiveKind.AllGather)]
    [InlineData("broadcast", CollectiveKind.Broadcast)]
    [InlineData("reduce", CollectiveKind.Reduce)]
    [InlineData("alltoall", CollectiveKind.AllToAll)]
    [InlineData("all_reduce_perf", CollectiveKind.AllReduce)]
    [InlineData("Reduce-Scatter", CollectiveKind.ReduceScatter)]
    [InlineData("bcast", CollectiveKind.Broadcast)]
    public void CollectiveIsThePositionalArgument(string name, CollectiveKind expected)
    {
        Assert.Equal(expected, PerfOptionsParser.Parse([name]).Collective);
        Assert.Equal(expected, PerfOptionsParser.Parse(["-n", "3", name]).Collective);
    }

    [Theory]
    [InlineData("-b", "minbytes")]
    [InlineData("-e", "maxbytes")]
    public void SizeFlagsTakeEverySpelling(string shortFlag, string longFlag)
    {
        foreach (string[] args in new[]
        {
            new[] { shortFlag, "64K" }, [shortFlag + "64K"], [shortFlag + "=64K"], ["--" + longFlag, "64K"], ["--" + longFlag + "=64K"],
        })
        {
            // -b 64K alone is below the default -e 32M; -e 64K alone is above the default -b 8.
            PerfOptions options = PerfOptionsParser.Parse(args);
            Assert.Equal(64 << 10, shortFlag == "-b" ? options.MinBytes : options.MaxBytes);
        }
    }

    [Fact]
    public void EveryValueFlagLandsInItsOption()
    {
        PerfOptions options = PerfOptionsParser.Parse(
        [
            "reduce", "-b", "1K", "-e", "1M", "-f", "4", "-n", "7", "-w", "0", "-c", "0", "-o", "max", "-d", "int64", "-r", "2",
            "--ranks", "3", "--algo", "tree", "--transport", "inprocess", "--json", "--chunk", "64K", "--timeout", "2.5", "--offset", "56",
        ]);
        Assert.Equal(CollectiveKind.Reduce, options.Collective);
        Assert.Equal(1024, options.MinBytes);
        Assert.Equal(1 << 20, options.MaxBytes);
        Assert.Equal(4, options.StepFactor);
        Assert.Equal(7, options.Iterations);
        Assert.Equal(0, options.WarmupIterations);
        Assert.False(options.Check);
        Assert.Equal(ReduceOp.Max, options.Op);
        Assert.Equal(DataType.Int64, options.DataType);
        Assert.Equal(2, options.Root);
        Assert.Equal(3, options.Ranks);
        Assert.Equal("tree", options.Algorithm);
        Assert.Equal("inprocess", options.Transport);
        Assert.True(options.Json);
        Assert.Equal(64 << 10, options.ChunkBytes);
        Assert.Equal(TimeSpan.FromSeconds(2.5), options.Timeout);
        Assert.Equal(56, options.OffsetBytes);
    }

    [Fact]
    public void LongNamesMatchTheShortOnes()
    {
        PerfOptions options = PerfOptionsParser.Parse(
        [
            "--minbytes", "16", "--maxbytes", "128", "--stepfactor", "8", "--iters", "3", "--warmup_iters", "2", "--check", "1",
            "--op", "prod", "--dtype", "half", "--root", "1",
        ]);
        Assert.Equal((16L, 128L, 8, 3, 2, true), (options.MinBytes, options.MaxBytes, options.StepFactor, options.Iterations,
            options.WarmupIterations, options.Check));
        Assert.Equal((ReduceOp.Prod, DataType.Float16, 1), (options.Op, options.DataType, options.Root));
    }

    [Fact]
    public void StepBytesMakesTheSweepAdditive()
    {
        PerfOptions options = PerfOptionsParser.Parse(["-b", "1K", "-e", "4K", "-i", "1K"]);
        Assert.Equal(1024, options.StepBytes);
        Assert.Equal([1024L, 2048, 3072, 4096], SizeSweep.Sizes(options.MinBytes, options.MaxBytes, options.StepFactor, options.StepBytes));
    }

    [Theory]
    [InlineData("sum", ReduceOp.Sum)]
    [InlineData("prod", ReduceOp.Prod)]
    [InlineData("min", ReduceOp.Min)]
    [InlineData("max", ReduceOp.Max)]
    [InlineData("avg", ReduceOp.Avg)]
    [InlineData("band", ReduceOp.BitAnd)]
    [InlineData("bitand", ReduceOp.BitAnd)]
    [InlineData("bor", ReduceOp.BitOr)]
    [InlineData("bitor", ReduceOp.BitOr)]
    [InlineData("bxor", ReduceOp.BitXor)]
    [InlineData("BitXor", ReduceOp.BitXor)]
    public void OpNames(string name, ReduceOp expected) =>
        Assert.Equal(expected, PerfOptionsParser.Parse(["-o", name, "-d", "int32"]).Op);

    [Theory]
    [InlineData("float", DataType.Float32)]
    [InlineData("float32", DataType.Float32)]
    [InlineData("double", DataType.Float64)]
    [InlineData("half", DataType.Float16)]
    [InlineData("fp16", DataType.Float16)]
    [InlineData("bfloat16", DataType.BFloat16)]
    [InlineData("bf16", DataType.BFloat16)]
    [InlineData("int8", DataType.Int8)]
    [InlineData("char", DataType.Int8)]
    [InlineData("uint8", DataType.UInt8)]
    [InlineData("int32", DataType.Int32)]
    [InlineData("int", DataType.Int32)]
    [InlineData("uint32", DataType.UInt32)]
    [InlineData("int64", DataType.Int64)]
    [InlineData("uint64", DataType.UInt64)]
    public void DataTypeNames(string name, DataType expected) =>
        Assert.Equal(expected, PerfOptionsParser.Parse(["-d", name]).DataType);

    [Fact]
    public void BitwiseOpsAreFineForCollectivesThatDoNotReduce() =>
        Assert.Equal(ReduceOp.BitAnd, PerfOptionsParser.Parse(["allgather", "-o", "band"]).Op);

    [Fact]
    public void HelpSkipsValidation() => Assert.True(PerfOptionsParser.Parse(["-r", "9", "--help"]).Help);

    [Theory]
    [InlineData("unknown flag '-z'", "-z")]
    [InlineData("unknown flag '--bogus'", "--bogus")]
    [InlineData("-b/--minbytes needs a value", "-b")]
    [InlineData("invalid size '8Q' for -b/--minbytes; use a byte count with an optional K, M or G suffix", "-b", "8Q")]
    [InlineData("invalid size '-8' for -e/--maxbytes", "-e", "-8")]
    [InlineData("-b/--minbytes must be more than 0 bytes", "-b", "0")]
    [InlineData("-e/--maxbytes 2G is too large; use at most 1G", "-e", "2G")]
    [InlineData("-b/--minbytes (2048) is larger than -e/--maxbytes (1024)", "-b", "2K", "-e", "1K")]
    [InlineData("invalid value '1' for -f/--stepfactor; use an integer of at least 2", "-f", "1")]
    [InlineData("invalid value 'x' for -f/--stepfactor", "-f", "x")]
    [InlineData("-i/--stepbytes must be more than 0 bytes", "-i", "0")]
    [InlineData("-B/--budget must be more than 0 bytes", "-B", "0")]
    [InlineData("invalid value '0' for -n/--iters; use a positive integer", "-n", "0")]
    [InlineData("invalid value '-1' for -w/--warmup_iters; use an integer of at least 0", "-w", "-1")]
    [InlineData("invalid value '2' for -c/--check; use 0 (off) or 1 (on)", "-c", "2")]
    [InlineData("unknown op 'mul' for -o/--op; use one of sum, prod, min, max, avg, band, bor, bxor", "-o", "mul")]
    [InlineData("-o/--op band applies to integer dtypes only, not float", "-o", "band")]
    [InlineData("-o/--op bxor applies to integer dtypes only, not bfloat16", "reducescatter", "-o", "bxor", "-d", "bf16")]
    [InlineData("unknown dtype 'float8' for -d/--dtype; use one of float, double, half, bfloat16, int8, uint8, int32, uint32, int64, uint64", "-d", "float8")]
    [InlineData("invalid value '-1' for -r/--root; use a rank, 0 or more", "-r", "-1")]
    [InlineData("-r/--root 2 is not a rank of a 2-rank group; use 0 to 1", "broadcast", "-r", "2")]
    [InlineData("invalid value '0' for --ranks; use an integer from 1 to 1024", "--ranks", "0")]
    [InlineData("invalid value '5000' for --ranks", "--ranks", "5000")]
    [InlineData("invalid --algo 'warp': Algorithm override \"warp\": unknown algorithm 'warp'", "--algo", "warp")]
    [InlineData("invalid --algo 'alltoall=ring'", "--algo", "alltoall=ring")]
    [InlineData("transport 'ucx' for --transport is not available to perf; available: inprocess, shm, tcp, rdma", "--transport", "ucx")]
    [InlineData("invalid --chunk '32': CommunicatorOptions.ChunkBytes must be between 64 and", "--chunk", "32")]
    [InlineData("invalid size 'lots' for --chunk", "--chunk", "lots")]
    [InlineData("invalid timeout '0' for --timeout", "--timeout", "0")]
    [InlineData("invalid value '4096' for --offset; use bytes from 0 to 4095", "--offset", "4096")]
    [InlineData("--offset 6 does not start a whole float element; use a multiple of 4", "--offset", "6")]
    [InlineData("--offset 4 does not start a whole double element; use a multiple of 8", "--offset", "4", "-d", "double")]
    [InlineData("--json takes no value, but got 'yes'", "--json=yes")]
    [InlineData("unknown collective 'gather'; use one of allreduce, reducescatter, allgather, broadcast, reduce, alltoall", "gather")]
    [InlineData("unexpected argument 'reduce': give one collective, then flags", "allreduce", "reduce")]
    public void BadArgumentsNameTheFlagAndWhatIsAllowed(string expectedMessage, params string[] args)
    {
        var error = Assert.Throws<UsageException>(() => PerfOptionsParser.Parse(args));
        Assert.StartsWith(expectedMessage, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter '", error.Message, StringComparison.Ordinal);
    }
}
