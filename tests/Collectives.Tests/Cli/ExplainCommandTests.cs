using Collectives.Tests.MultiProcess;

namespace Collectives.Tests.Cli;

/// <summary><c>collectives explain</c>: the selector's own predictions per candidate, the winner and why.</summary>
public sealed class ExplainCommandTests
{
    [Fact]
    public async Task EmulatedHostsPutTheHierarchyFirstForLargeAllReduces()
    {
        ProcessResult result = await CliProcess.RunToolAsync("explain", "--hosts", "2,2", "--sizes", "8,64M");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("# allreduce, float, 4 ranks: 2 hosts (2+2 ranks), shm inside, tcp across", result.Output);
        Assert.Contains("# costs: built-in defaults", result.Output);
        string[] rows = result.Output.Split('\n').Where(l => l.TrimStart().StartsWith("64M", StringComparison.Ordinal)).ToArray();
        Assert.Single(rows);
        Assert.EndsWith("hierarchical", rows[0].TrimEnd());
        Assert.Contains("# 64M: hierarchical is predicted", result.Output);
    }

    [Fact]
    public async Task OneHostSaysWhyTheHierarchyIsNotConsidered()
    {
        ProcessResult result = await CliProcess.RunToolAsync("explain", "--collective", "allgather", "--ranks", "4", "--sizes", "1M");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("# hierarchical: not considered (one host: nothing to split into levels)", result.Output);
    }

    [Fact]
    public async Task UnderALauncherItExplainsTheJobsOwnTopology()
    {
        ProcessResult result = await CliProcess.RunToolAsync("run", "-n", "2", "--", CliProcess.Tool, "explain", "--sizes", "8");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("2 ranks: 1 host (2 ranks), shm inside", result.Output);
    }

    [Theory]
    [InlineData("--sizes", "8,lots")]
    [InlineData("--hosts", "2,0")]
    [InlineData("--intra", "pigeon")]
    public async Task BadFlagsAreUsageErrors(string flag, string value)
    {
        ProcessResult result = await CliProcess.RunToolAsync("explain", flag, value);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("collectives explain:", result.Error);
    }
}
