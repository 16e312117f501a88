using System.Globalization;
using System.Text.Json;
using Collectives.Connection;
using Collectives.Bootstrap;
using Collectives.Cli;
using Collectives.Kernels;
using Collectives.Selection;
using Collectives.Tests.MultiProcess;
using Collectives.Topology;

namespace Collectives.Tests.Cli;

/// <summary>
/// <c>collectives perf --predict</c>: the selector's algorithm and predicted time next to each
/// measurement, from the profile and topology the ranks selected with. Shape only, never timing.
/// </summary>
public sealed class PerfPredictTests
{
    private static readonly string[] TinySweep = ["-b", "8", "-e", "64K", "-f", "8", "-n", "2", "-w", "1", "--timeout", "60"];

    [Fact]
    public async Task EveryRowShowsTheSelectorsPlanFromTheTuneFile()
    {
        // A profile the built-in table would never produce: slow in-process links, so the plan must come from the file.
        CostProfile profile = CostDefaults.Profile.With(LinkClass.InProcess, new LinkCost(40e-6, CostCurve.Flat(3e-9), 1, CostCurve.Flat(1e-9)))
            with { Source = "test profile 7" };
        string file = await WriteProfileAsync(profile);
        try
        {
            (int exit, string output, string error) = await RunAsync(["perf", "--predict", "--tune-file", file, .. TinySweep]);

            Assert.True(exit == ExitCodes.Success, $"exit {exit}: {error}\n{output}");
            PerfTableText table = PerfTableText.Parse(output);
            Assert.Contains(table.Comments, c => c.Contains("costs: test profile 7", StringComparison.Ordinal));
            Assert.Contains(table.Comments, c => c.Contains("oop/pred", StringComparison.Ordinal));
            CostProfile parsed = CostProfileLoader.Load(file);
            foreach (PerfTableText.Row row in table.Rows)
            {
                PerfTableText.Prediction predicted = row.Predicted ?? throw new InvalidOperationException("no prediction columns");
                AlgorithmChoice expected = AlgorithmSelector.Explain(CollectiveKind.AllReduce, DataType.Float32, row.Size,
                    JobTopology.SingleHost(2), parsed).Winner;
                Assert.Equal(AlgorithmNames.Name(expected.Algorithm), predicted.Algorithm);
                double predictedUs = double.Parse(predicted.Time, CultureInfo.InvariantCulture);
                Assert.Equal(expected.PredictedSeconds * 1e6, predictedUs, Math.Max(0.01, predictedUs * 1e-3));
                // In place: the same algorithm priced with the profile's in-place curve.
                double inPlaceUs = double.Parse(predicted.InPlaceTime, CultureInfo.InvariantCulture);
                double expectedInPlace = CostModel.Predict(CollectiveKind.AllReduce, expected.Algorithm, DataType.Float32, row.Size,
                    JobTopology.SingleHost(2), parsed, expected.ChunkBytes, expected.Channels, inPlace: true)!.Value * 1e6;
                Assert.Equal(expectedInPlace, inPlaceUs, Math.Max(0.01, inPlaceUs * 1e-3));
                Assert.True(row.Size < 1024 || inPlaceUs < predictedUs, $"{row.Size} B: in place {inPlaceUs} us, out of place {predictedUs} us");
                Assert.True(double.Parse(predicted.OutOfPlaceRatio, CultureInfo.InvariantCulture) >= 0);
                Assert.True(double.Parse(predicted.InPlaceRatio, CultureInfo.InvariantCulture) >= 0);
            }
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task JsonCarriesThePredictionPerSize()
    {
        (int exit, string output, string error) = await RunAsync(["perf", "--predict", "--json", "--ranks", "3", .. TinySweep]);

        Assert.True(exit == ExitCodes.Success, $"exit {exit}: {error}\n{output}");
        using var document = JsonDocument.Parse(output);
        Assert.Equal("built-in defaults", document.RootElement.GetProperty("costs").GetString());
        JsonElement[] results = document.RootElement.GetProperty("results").EnumerateArray().ToArray();
        Assert.Equal(5, results.Length);
        foreach (JsonElement result in results)
        {
            JsonElement predicted = result.GetProperty("predicted");
            Assert.False(string.IsNullOrEmpty(predicted.GetProperty("algorithm").GetString()));
            Assert.True(predicted.GetProperty("time_us").GetDouble() > 0);
            Assert.True(predicted.GetProperty("in_place_time_us").GetDouble() > 0);
            Assert.True(predicted.GetProperty("out_of_place_ratio").GetDouble() > 0);
            Assert.True(predicted.GetProperty("in_place_ratio").GetDouble() > 0);
        }
    }

    [Fact]
    public async Task WithoutPredictTheTableKeepsItsColumns()
    {
        (int exit, string output, _) = await RunAsync(["perf", .. TinySweep]);
        Assert.Equal(ExitCodes.Success, exit);
        Assert.All(PerfTableText.Parse(output).Rows, row => Assert.Null(row.Predicted));
        Assert.DoesNotContain("oop/pred", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnreadableTuneFileFailsBeforeAnyRankStarts()
    {
        string file = Path.Combine(Path.GetTempPath(), $"perf-test-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, "{ \"version\": 1, \"gamma_ns_per_byte\": 3 }", TestContext.Current.CancellationToken);
        try
        {
            (int exit, _, string error) = await RunAsync(["perf", "--predict", "--tune-file", file, .. TinySweep]);
            Assert.Equal(ExitCodes.Failure, exit);
            Assert.Contains("gamma_ns_per_byte", error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task RanksStartedOverSharedMemoryPredictWithTheTuneFileFromTheEnvironment()
    {
        CostProfile profile = CostDefaults.Profile with { Source = "shm test profile 9" };
        string file = await WriteProfileAsync(profile);
        try
        {
            ProcessResult result = await CliProcess.RunAsync(CliProcess.Tool,
                ["perf", "allreduce", "--ranks", "2", "--transport", "shm", "--predict", "-b", "64K", "-e", "1M", "-f", "16", "-n", "2", "-w", "1"],
                new Dictionary<string, string> { [EnvironmentVariables.TuneFile] = file });

            Assert.True(result.ExitCode == 0, result.ToString());
            PerfTableText table = PerfTableText.Parse(result.Output);
            Assert.Contains(table.Comments, c => c.Contains("costs: shm test profile 9", StringComparison.Ordinal));
            Assert.Equal(2, table.Rows.Count);
            Assert.All(table.Rows, row => Assert.True(double.Parse(row.Predicted!.Time, CultureInfo.InvariantCulture) > 0));
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static async Task<string> WriteProfileAsync(CostProfile profile)
    {
        string file = Path.Combine(Path.GetTempPath(), $"perf-test-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, CostProfileJson.Write(profile), TestContext.Current.CancellationToken);
        return file;
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = await CommandDispatcher.RunAsync(args, output, error, TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromMinutes(2),
            TestContext.Current.CancellationToken);
        return (exit, output.ToString(), error.ToString());
    }
}
