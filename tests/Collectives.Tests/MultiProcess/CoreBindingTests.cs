using Collectives.Bootstrap;
using Collectives.Cli.Run;
using Collectives.Topology;

namespace Collectives.Tests.MultiProcess;

/// <summary><c>collectives run --bind core</c>: each rank on a CPU of its own, refused when there are too few.</summary>
public sealed class CoreBindingTests
{
    [Fact]
    public async Task EachRankRunsOnACpuOfItsOwnInTheLaunchersOrder()
    {
        IReadOnlyList<int> cpus = TopologyDetection.AllowedCpus();
        Assert.SkipWhen(CliProcess.Find(CoreBinding.Tool) is null, "taskset is not installed (util-linux)");
        Assert.SkipWhen(cpus.Count < 2, "needs two CPUs in this process's affinity");
        // The ranks connect and report where they run: one CPU each, so topo names it as the rank's core.
        ProcessResult result = await CliProcess.RunToolAsync("run", "-n", "2", "--bind", "core", "--", CliProcess.Tool, "topo", "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        string json = string.Join('\n', result.Output.Split('\n')
            .Where(line => line.StartsWith("[0] ", StringComparison.Ordinal)).Select(line => line[4..].TrimEnd('\r')));
        JobTopology topology = TopologyJson.Parse(json);
        Assert.Equal([cpus[0], cpus[1]], topology.Ranks.Select(rank => rank.Core));
    }

    [Fact]
    public async Task MoreRanksThanCpusAreRefusedNamingBoth()
    {
        int cpus = TopologyDetection.AllowedCpus().Count;
        ProcessResult result = await CliProcess.RunToolAsync("run", "-n", (cpus + 1).ToString(), "--bind", "core", "--", "/bin/true");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"--bind core needs a CPU per rank: {cpus + 1} ranks, but this process may run on {cpus}", result.Error);
    }

    [Fact]
    public async Task AnUnknownBindingIsAUsageError()
    {
        ProcessResult result = await CliProcess.RunToolAsync("run", "-n", "1", "--bind", "socket", "--", "/bin/true");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--bind needs core or none", result.Error);
    }

    [Fact]
    public void RankRStartsUnderTasksetOnTheRthAllowedCpu()
    {
        IReadOnlyList<RankCommand> commands = CoreBinding.Commands("/bin/prog", ["a", "b"], 2, [3, 5, 7]);
        Assert.Equal(2, commands.Count);
        Assert.All(commands, command => Assert.Equal(CoreBinding.Tool, command.Program));
        Assert.Equal(["-c", "3", "/bin/prog", "a", "b"], commands[0].Arguments);
        Assert.Equal(["-c", "5", "/bin/prog", "a", "b"], commands[1].Arguments);
        Assert.Null(CoreBinding.Problem(3, [3, 5, 7]));
        Assert.NotNull(CoreBinding.Problem(4, [3, 5, 7]));
    }
}
