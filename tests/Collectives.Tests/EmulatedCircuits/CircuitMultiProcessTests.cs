using Collectives.Tests.MultiProcess;

namespace Collectives.Tests.EmulatedCircuits;

/// <summary>Real processes through the launcher with COLLECTIVES_CIRCUITS: the checks pass and perf predicts from the optical model.</summary>
public sealed class CircuitMultiProcessTests
{
    [Fact]
    public async Task EveryCollectiveIsRightAcrossProcessesUnderEmulatedCircuits()
    {
        ProcessResult result = await CliProcess.RunToolAsync("run", "-n", "4", "--transports", "shm",
            "--env", "COLLECTIVES_CIRCUITS=reconfig=20us,bandwidth=4GB/s,plan=matchings",
            "--", CliProcess.Tool, "check", "--max-bytes", "64K");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("[0] check passed: 12 collective cases, point-to-point and barrier on 4 ranks over shm", result.Output);
        Assert.Contains("COLLECTIVES_CIRCUITS=switch=fast-ocs,reconfig=20us", result.Output + result.Error);
    }

    [Fact]
    public async Task PerfPredictsFromTheOpticalModelUnderEmulatedCircuits()
    {
        ProcessResult result = await CliProcess.RunAsync(CliProcess.Tool,
            ["perf", "allreduce", "--ranks", "4", "--transport", "shm", "--algo", "halving-doubling", "-b", "256K", "-e", "256K",
             "-n", "2", "-w", "1", "--predict"],
            new Dictionary<string, string> { ["COLLECTIVES_CIRCUITS"] = "reconfig=50us,bandwidth=2GB/s,plan=matchings" });
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("halving-doubling on matchings", result.Output);
    }

    [Fact]
    public async Task UnderPlanAutoPerfPredictsTheSelectorsOwnChoicePerSize()
    {
        // No --algo: with a switch that changes at once, recursive doubling takes the 8-byte call and halving-doubling the
        // 256 KiB one (its ring-equal bytes in fewer steps), each on the matchings; the prediction is the selector's own.
        ProcessResult result = await CliProcess.RunAsync(CliProcess.Tool,
            ["perf", "allreduce", "--ranks", "4", "--transport", "shm", "-b", "8", "-e", "256K", "-f", "32768", "-n", "2", "-w", "1", "--predict", "--json"],
            new Dictionary<string, string> { ["COLLECTIVES_CIRCUITS"] = "reconfig=0us,bandwidth=2GB/s,plan=auto" });
        Assert.True(result.ExitCode == 0, result.ToString());
        using var document = System.Text.Json.JsonDocument.Parse(result.Output);
        string[] algorithms = document.RootElement.GetProperty("results").EnumerateArray()
            .Select(r => r.GetProperty("predicted").GetProperty("algorithm").GetString()!).ToArray();
        Assert.Equal(["recursive-doubling on matchings (auto)", "halving-doubling on matchings (auto)"], algorithms);
        Assert.All(document.RootElement.GetProperty("results").EnumerateArray(),
            r => Assert.True(r.GetProperty("predicted").GetProperty("time_us").GetDouble() > 0));
    }

    [Fact]
    public async Task ABadSpecFailsEveryRankNamingTheVariable()
    {
        ProcessResult result = await CliProcess.RunToolAsync("run", "-n", "2", "--transports", "shm",
            "--env", "COLLECTIVES_CIRCUITS=plan=mesh", "--", CliProcess.Tool, "check", "--max-bytes", "1K");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("COLLECTIVES_CIRCUITS=plan=mesh is not a circuit spec", result.Output + result.Error);
    }
}
