using System.Globalization;
using System.Text.Json;
using Collectives.Tests.MultiProcess;

namespace Collectives.Tests.Optical;

/// <summary><c>collectives sim</c>: electrical, optical and hybrid fabrics from flags or a file, as a table or JSON.</summary>
public sealed class OpticalSimCommandTests
{
    private static string[] Rows(ProcessResult result, string collective) =>
        result.Output.Split('\n').Where(l => l.StartsWith(collective + " ", StringComparison.Ordinal)).ToArray();

    [Fact]
    public async Task AnOversubscribedFatTreePricesEveryAlgorithmAndSaysWhichCannotRun()
    {
        ProcessResult result = await CliProcess.RunToolAsync("sim", "--ranks", "256", "--leaf-size", "16", "--oversubscription", "3",
            "--sizes", "8,16M", "-c", "allreduce,allgather");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("# collectives sim: 256 ranks, 1 per node, 256 nodes, electrical", result.Output);
        Assert.Contains("fat-tree of 16-node leaves at 3:1", result.Output);
        Assert.Equal(8, Rows(result, "allreduce").Length);
        Assert.Equal(8, Rows(result, "allgather").Length);
        Assert.Contains(Rows(result, "allgather"), r => r.Contains("recursive-doubling", StringComparison.Ordinal) && r.Contains("an all-reduce algorithm", StringComparison.Ordinal));
        Assert.Contains(Rows(result, "allreduce"), r => r.Contains("multi-ring", StringComparison.Ordinal) && r.Contains("has none", StringComparison.Ordinal));
        // One fastest row per collective and size.
        Assert.Equal(4, result.Output.Split('\n').Count(l => l.Contains(" *", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ACircuitSwitchShowsItsSourcesAndTheBreakEvenOfTheIssue()
    {
        ProcessResult result = await CliProcess.RunToolAsync("sim", "--ranks", "64", "--degree", "1", "--alpha", "0.5", "--hop-delay", "0.5",
            "--switch", "fast-ocs", "--reconfiguration", "5", "--sizes", "0", "-a", "ring,hd", "--break-even");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("64 nodes, optical: optical 1 x 62.5 GB/s ports on fast-ocs (5 us median, 5 us p99)", result.Output);
        Assert.Contains("#   reconfiguration median   5 us       given by the user", result.Output);
        Assert.Contains("#   radix                    1024       MLNetwork/rostam paper/run_ring.sh", result.Output);
        string hd = Assert.Single(Rows(result, "allreduce"), r => r.Contains("halving-doubling", StringComparison.Ordinal));
        Assert.Contains("*halving-doubling", hd);
        Assert.Contains("xor 32 → xor 16 → ... → xor 32 (11 configurations)", hd);
        Assert.Contains("# allreduce 0: halving-doubling below 11.4 us of reconfiguration, ring above", result.Output);
    }

    [Fact]
    public async Task JsonHasOneResultPerCollectiveSizeAndAlgorithm()
    {
        ProcessResult result = await CliProcess.RunToolAsync("sim", "--network", "hybrid", "--ranks", "32", "--switch", "sirius",
            "--sizes", "8,1M,64M", "-c", "allreduce,reducescatter", "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        using JsonDocument document = JsonDocument.Parse(result.Output);
        JsonElement root = document.RootElement;
        Assert.Equal("hybrid", root.GetProperty("network").GetString());
        Assert.Equal("sirius", root.GetProperty("switch").GetProperty("name").GetString());
        Assert.Contains("3.84 ns", root.GetProperty("switch").GetProperty("reconfiguration_median").GetProperty("source").GetString());
        JsonElement[] results = [.. root.GetProperty("results").EnumerateArray()];
        Assert.Equal(2 * 3 * 4, results.Length);
        foreach (JsonElement row in results.Where(r => r.GetProperty("available").GetBoolean()))
        {
            double sum = row.GetProperty("latency_us").GetDouble() + row.GetProperty("bandwidth_us").GetDouble() +
                row.GetProperty("reduction_us").GetDouble() + row.GetProperty("reconfiguration_us").GetDouble();
            Assert.Equal(row.GetProperty("time_us").GetDouble(), sum, 6);
        }
        Assert.Equal(6, results.Count(r => r.GetProperty("available").GetBoolean() && r.GetProperty("fastest").GetBoolean()));
    }

    [Fact]
    public async Task AFabricFileDescribesAHybridWithACustomSwitchAndFlagsOverrideIt()
    {
        string path = Path.Combine(Path.GetTempPath(), $"fabric-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, """
            {
              "version": 1, "ranks": 128, "ranks_per_node": 4, "alpha_us": 1,
              "electrical": { "nic_bandwidth_gbs": 25, "leaf_size": 8, "oversubscription": 2 },
              "optical": {
                "switch": { "name": "lab-ocs", "radix": 48, "reconfiguration_median_us": 50, "reconfiguration_p99_us": 80,
                            "source": "our lab's datasheet" },
                "degree": 2, "port_bandwidth_gbs": 25, "current": "ring", "foreign_circuits": [[1, 40, 41], [1, 41, 40]]
              },
              "intra": { "alpha_us": 0.5, "bandwidth_gbs": 100 }
            }
            """);
        try
        {
            ProcessResult result = await CliProcess.RunToolAsync("sim", "--fabric", path, "--sizes", "1M", "--p99");
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Contains("128 ranks, 4 per node, 32 nodes, hybrid: electrical 25 GB/s NICs, fat-tree of 8-node leaves at 2:1; optical 2 x 25 GB/s ports on lab-ocs", result.Output);
            Assert.Contains("#   reconfiguration p99      80 us      our lab's datasheet", result.Output);
            Assert.Contains("each change costs the switch's p99", result.Output);
            ProcessResult smaller = await CliProcess.RunToolAsync("sim", "--fabric", path, "--ranks", "64", "--sizes", "1M");
            Assert.True(smaller.ExitCode == 0, smaller.ToString());
            Assert.Contains("64 ranks, 4 per node, 16 nodes, hybrid", smaller.Output);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task SixteenThousandRanksOnAMemsSwitchGiveARingNearTheNodesBandwidth()
    {
        ProcessResult result = await CliProcess.RunToolAsync("sim", "--ranks", "16384", "--ranks-per-node", "128", "--switch", "mems-ocs",
            "--intra-bandwidth", "1000", "--sizes", "64G", "-c", "allgather", "-a", "ring,hd", "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        using JsonDocument document = JsonDocument.Parse(result.Output);
        Assert.Equal(128, document.RootElement.GetProperty("nodes").GetInt32());
        JsonElement ring = document.RootElement.GetProperty("results").EnumerateArray().First(r => r.GetProperty("algorithm").GetString() == "ring");
        // Each node's 4 ports carry 200 GB/s; the ring across 128 nodes moves 127/128 of the output through them.
        double busbw = ring.GetProperty("busbw_gbs").GetDouble();
        Assert.InRange(busbw, 150, 200 * 128.0 / 127);
        Assert.Equal(0, ring.GetProperty("reconfigurations").GetInt32());
    }

    [Fact]
    public async Task PlotsDrawEveryAlgorithmAsSvgOrPng()
    {
        string svg = Path.Combine(Path.GetTempPath(), $"sim-{Guid.NewGuid():N}.svg");
        string png = Path.ChangeExtension(svg, ".png");
        try
        {
            ProcessResult drawn = await CliProcess.RunToolAsync("sim", "--ranks", "64", "--switch", "fast-ocs", "--sizes", "1K,1M,256M",
                "-c", "allreduce,allgather", "--plot", svg);
            Assert.True(drawn.ExitCode == 0, drawn.ToString());
            Assert.Contains($"# plot: {svg}", drawn.Output);
            string text = await File.ReadAllTextAsync(svg);
            Assert.StartsWith("<svg", text, StringComparison.Ordinal);
            // Two panels per collective, each with a legend naming the algorithms that can run.
            Assert.Equal(4, text.Split("<g transform").Length - 1);
            Assert.Contains("allgather: bus bandwidth", text.Replace("</text>", "", StringComparison.Ordinal), StringComparison.Ordinal);
            ProcessResult image = await CliProcess.RunToolAsync("sim", "--ranks", "64", "--sizes", "1K,1M", "--plot", png);
            Assert.True(image.ExitCode == 0, image.ToString());
            byte[] bytes = await File.ReadAllBytesAsync(png);
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
        }
        finally
        {
            File.Delete(svg);
            File.Delete(png);
        }
    }

    [Theory]
    [InlineData("--plot", "out.pdf")]
    [InlineData("--ranks", "0")]
    [InlineData("--switch", "pigeon")]
    [InlineData("--network", "wifi")]
    [InlineData("-c", "broadcast")]
    [InlineData("--sizes", "8,lots")]
    [InlineData("--oversubscription", "0.5")]
    public async Task BadFlagsAreUsageErrors(string flag, string value)
    {
        ProcessResult result = await CliProcess.RunToolAsync("sim", flag, value);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("collectives sim:", result.Error);
    }

    [Fact]
    public async Task ImpossibleFabricsAndBadFilesSayWhatIsWrong()
    {
        ProcessResult wide = await CliProcess.RunToolAsync("sim", "--ranks", "1024", "--switch", "mems-ocs");
        Assert.Equal(1, wide.ExitCode);
        Assert.Contains("needs 1024 ports", wide.Error);
        Assert.Contains("put more ranks on each node", wide.Error);
        string path = Path.Combine(Path.GetTempPath(), $"fabric-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, """{ "version": 1, "optical": { "degre": 4 } }""");
        try
        {
            ProcessResult typo = await CliProcess.RunToolAsync("sim", "--fabric", path);
            Assert.Equal(1, typo.ExitCode);
            Assert.Contains("\"optical.degre\": unknown field", typo.Error);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task TheTopLevelUsageListsSim()
    {
        ProcessResult result = await CliProcess.RunToolAsync("--help");
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"  sim       predict collectives"), result.Output);
    }
}
