using System.Text.Json;
using Collectives.Cli;
using Collectives.Cli.Perf;

namespace Collectives.Tests.Cli;

/// <summary>
/// <c>collectives perf</c> end to end, in process: tiny sweeps whose printed tables are read back.
/// Only correctness and shape are asserted, never timing.
/// </summary>
public sealed class PerfCommandTests
{
    /// <summary>8 B to 64 KiB by ×8: five sizes, two iterations each; fast even in Debug.</summary>
    private static readonly string[] TinySweep = ["-b", "8", "-e", "64K", "-f", "8", "-n", "2", "-w", "1", "--timeout", "60"];

    public static TheoryData<string, int> CollectivesAndRanks()
    {
        var data = new TheoryData<string, int>();
        foreach (CollectiveKind kind in CollectiveNames.All)
        {
            data.Add(CollectiveNames.Name(kind), 2);
            data.Add(CollectiveNames.Name(kind), 3);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(CollectivesAndRanks))]
    public async Task EveryRowChecksOutAndTheFooterIsPrinted(string collective, int ranks)
    {
        (int exit, string output, string error) = await RunAsync(["perf", collective, "--ranks", $"{ranks}", "-r", $"{ranks - 1}", .. TinySweep]);

        Assert.True(exit == ExitCodes.Success, $"exit {exit}: {error}\n{output}");
        PerfTableText table = PerfTableText.Parse(output);
        Assert.Equal(5, table.Rows.Count);
        Assert.All(table.Rows, row =>
        {
            Assert.Equal("0", row.OutOfPlaceWrong);
            Assert.Equal("0", row.InPlaceWrong);
            Assert.Equal("float", row.Type);
            Assert.True(row.OutOfPlaceTime >= 0 && row.InPlaceTime >= 0);
        });
        long[] requested = [8, 64, 512, 4096, 32768];
        bool blocked = collective is "reducescatter" or "allgather" or "alltoall";
        for (int i = 0; i < requested.Length; i++)
        {
            // Rounded down to whole floats, and for the block collectives to whole ranks × floats.
            long size = table.Rows[i].Size;
            Assert.InRange(requested[i] - size, 0, (blocked ? 4L * ranks : 4) - 1);
            Assert.Equal(0, size % (blocked ? 4L * ranks : 4));
        }
        Assert.Contains($"# collectives perf: {collective}", table.Comments);
        Assert.Contains(table.Comments, c => c.StartsWith("#       size         count      type   redop    root     time", StringComparison.Ordinal));
        Assert.Contains("# Out of bounds values : 0 OK", table.Comments);
        Assert.Contains(table.Comments, c => c.StartsWith("# Avg bus bandwidth    : ", StringComparison.Ordinal));
        bool reduces = collective is "allreduce" or "reducescatter" or "reduce";
        Assert.All(table.Rows, row => Assert.Equal(reduces ? "sum" : "none", row.Op));
        Assert.All(table.Rows, row => Assert.Equal(collective is "broadcast" or "reduce" ? ranks - 1 : -1, row.Root));
    }

    [Theory]
    [InlineData("allreduce", "bfloat16", "avg", 3)]
    [InlineData("allreduce", "half", "prod", 2)]
    [InlineData("reducescatter", "int8", "prod", 3)]
    [InlineData("reduce", "uint64", "bxor", 3)]
    [InlineData("allreduce", "uint8", "min", 2)]
    [InlineData("allreduce", "double", "max", 3)]
    [InlineData("allgather", "int64", "sum", 3)]
    public async Task OtherTypesAndOpsCheckOutToo(string collective, string dtype, string op, int ranks)
    {
        (int exit, string output, string error) = await RunAsync(
            ["perf", collective, "-d", dtype, "-o", op, "--ranks", $"{ranks}", "--chunk", "1K", .. TinySweep]);
        Assert.True(exit == ExitCodes.Success, $"exit {exit}: {error}\n{output}");
        PerfTableText table = PerfTableText.Parse(output);
        Assert.All(table.Rows, row => Assert.Equal(("0", "0"), (row.OutOfPlaceWrong, row.InPlaceWrong)));
        Assert.All(table.Rows, row => Assert.Equal(dtype, row.Type));
    }

    [Fact]
    public async Task AForcedAlgorithmIsUsedAndShown()
    {
        (int exit, string output, string error) = await RunAsync(["perf", "--algo", "allreduce=tree", "--ranks", "3", .. TinySweep]);
        Assert.True(exit == ExitCodes.Success, $"exit {exit}: {error}\n{output}");
        Assert.Contains("algorithm: allreduce=tree", output, StringComparison.Ordinal);
        Assert.All(PerfTableText.Parse(output).Rows, row => Assert.Equal(("0", "0"), (row.OutOfPlaceWrong, row.InPlaceWrong)));
    }

    [Fact]
    public async Task WithoutCheckingTheWrongColumnSaysSo()
    {
        (int exit, string output, _) = await RunAsync(["perf", "-c", "0", .. TinySweep]);
        Assert.Equal(ExitCodes.Success, exit);
        Assert.All(PerfTableText.Parse(output).Rows, row => Assert.Equal(("N/A", "N/A"), (row.OutOfPlaceWrong, row.InPlaceWrong)));
        Assert.Contains("# Out of bounds values : N/A", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JsonHasOneObjectPerSizeAndTheAverage()
    {
        (int exit, string output, string error) = await RunAsync(["perf", "alltoall", "--json", "--ranks", "3", .. TinySweep]);
        Assert.True(exit == ExitCodes.Success, $"exit {exit}: {error}\n{output}");
        using JsonDocument document = JsonDocument.Parse(output);
        JsonElement root = document.RootElement;
        Assert.Equal("alltoall", root.GetProperty("collective").GetString());
        Assert.Equal(3, root.GetProperty("ranks").GetInt32());
        JsonElement[] results = root.GetProperty("results").EnumerateArray().ToArray();
        Assert.Equal(5, results.Length);
        foreach (JsonElement result in results)
        {
            Assert.Equal(0, result.GetProperty("size").GetInt64() % 12);
            foreach (string placement in new[] { "out_of_place", "in_place" })
            {
                JsonElement p = result.GetProperty(placement);
                Assert.Equal(0, p.GetProperty("wrong").GetInt64());
                Assert.True(p.GetProperty("time_us").GetDouble() >= 0);
                Assert.True(p.GetProperty("busbw").ValueKind == JsonValueKind.Number);
            }
        }
        Assert.Equal(0, root.GetProperty("wrong").GetInt64());
        Assert.True(root.GetProperty("avg_busbw").ValueKind == JsonValueKind.Number);
    }

    [Theory]
    [InlineData("-d", "nope")]
    [InlineData("--transport", "ucx")]
    [InlineData("-z")]
    public async Task BadFlagsExitWithTwoAndNameTheFlag(params string[] args)
    {
        (int exit, string output, string error) = await RunAsync(["perf", .. args]);
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Empty(output);
        Assert.Contains(args[0], error, StringComparison.Ordinal);
        Assert.Contains("collectives perf --help", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HelpPrintsEveryFlag()
    {
        (int exit, string output, _) = await RunAsync(["perf", "--help"]);
        Assert.Equal(ExitCodes.Success, exit);
        foreach (string flag in new[] { "--minbytes", "--maxbytes", "--stepfactor", "--iters", "--warmup_iters", "--check", "--op",
            "--dtype", "--root", "--ranks", "--algo", "--transport", "--json", "--chunk" })
        {
            Assert.Contains(flag, output, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(new string[0], 2)]
    [InlineData(new[] { "frobnicate" }, 2)]
    [InlineData(new[] { "--help" }, 0)]
    public async Task TheDispatcherPrintsUsageForNoOrUnknownCommands(string[] args, int expectedExit)
    {
        (int exit, string output, string error) = await RunAsync(args);
        Assert.Equal(expectedExit, exit);
        Assert.Contains("Usage: collectives <command>", output + error, StringComparison.Ordinal);
        Assert.Contains("perf", output + error, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = await CommandDispatcher.RunAsync(args, output, error, TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromMinutes(2));
        return (exit, output.ToString(), error.ToString());
    }
}
