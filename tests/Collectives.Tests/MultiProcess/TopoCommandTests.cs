using Collectives.Topology;

namespace Collectives.Tests.MultiProcess;

/// <summary>
/// <c>collectives topo</c> as operators run it: under our launcher (text and JSON, each
/// transport, pinned with taskset, with a topology file in the environment) and on a file alone.
/// </summary>
public sealed class TopoCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("collectives-topo-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>Rank 0's stdout without the launcher's "[0] " prefixes.</summary>
    private static string RankZeroOutput(ProcessResult result) => string.Join('\n', result.Output.Split('\n')
        .Where(line => line.StartsWith("[0] ", StringComparison.Ordinal) || line.TrimEnd() == "[0]")
        .Select(line => line.Length > 4 ? line[4..].TrimEnd('\r') : ""));

    [Theory]
    [InlineData("shm", LinkClass.SharedMemory)]
    [InlineData("tcp", LinkClass.Tcp)]
    public async Task TheJsonOfAThreeRankJobDescribesOneHostAndItsTransport(string transport, LinkClass expected)
    {
        ProcessResult result = await CliProcess.RunToolAsync("run", "-n", "3", "--transports", transport, "--", CliProcess.Tool, "topo", "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        JobTopology topology = TopologyJson.Parse(RankZeroOutput(result));
        Assert.Equal(3, topology.Size);
        Assert.Single(topology.Hosts);
        Assert.Equal([0, 1, 2], topology.Hosts[0].Ranks);
        for (int a = 0; a < 3; a++)
        {
            for (int b = 0; b < 3; b++)
            {
                Assert.Equal(a == b ? LinkClass.Self : expected, topology.LinkBetween(a, b));
            }
        }
        Assert.All(topology.Ranks, rank => Assert.Equal("127.0.0.1", rank.Address));
        Assert.All(topology.Ranks, rank => Assert.Equal("lo", rank.Interface));
    }

    [Fact]
    public async Task TheTextReportShowsHostsPlacementsAndTheMatrix()
    {
        ProcessResult result = await CliProcess.RunToolAsync("run", "-n", "2", "--", CliProcess.Tool, "topo");
        Assert.True(result.ExitCode == 0, result.ToString());
        string text = RankZeroOutput(result);
        Assert.Contains("topology: 1 host (2 ranks), shm inside", text);
        Assert.Contains("hosts:", text);
        Assert.Contains("  0 S s", text);
        Assert.Contains("  1 s S", text);
        Assert.Matches(@"\n  1     0     \S+\s+\S+\s+\S+\s+lo\s+127\.0\.0\.1", text);
    }

    [Fact]
    public async Task ARankPinnedToOneCpuReportsItAsItsCore()
    {
        string? taskset = CliProcess.Find("taskset");
        Assert.SkipWhen(taskset is null, "taskset is not installed (util-linux)");
        Assert.SkipUnless(Collectives.Bootstrap.TopologyDetection.AllowedCpus().Contains(1), "needs CPU 1 in this process's affinity");
        ProcessResult result = await CliProcess.RunAsync(taskset!, ["-c", "1", CliProcess.Tool, "run", "-n", "2", "--", CliProcess.Tool, "topo", "--json"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        JobTopology topology = TopologyJson.Parse(RankZeroOutput(result));
        Assert.All(topology.Ranks, rank => Assert.Equal(1, rank.Core));
        if (Directory.Exists("/sys/devices/system/node") && Directory.GetDirectories("/sys/devices/system/node", "node*").Length == 1)
        {
            Assert.All(topology.Ranks, rank => Assert.Equal(0, rank.NumaNode));
        }
    }

    [Fact]
    public async Task ATopologyFileInTheEnvironmentReplacesDetection()
    {
        string path = Path.Combine(_directory, "two-racks.json");
        await File.WriteAllTextAsync(path, """{"version": 1, "ranks": ["rack-a", "rack-b"], "links": {"inter": "rdma"}}""");
        ProcessResult result = await CliProcess.RunToolAsync("run", "-n", "2", "--env", $"COLLECTIVES_TOPOLOGY_FILE={path}",
            "--", CliProcess.Tool, "topo", "--json", Path.Combine(_directory, "out.json"));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("topology: 2 hosts (1+1 ranks), rdma across", RankZeroOutput(result));
        JobTopology written = TopologyJson.Parse(await File.ReadAllTextAsync(Path.Combine(_directory, "out.json")));
        Assert.Equal(["rack-a", "rack-b"], written.Hosts.Select(h => h.HostName));
    }

    [Fact]
    public async Task ATopologyFileForAnotherJobSizeFailsEveryRankNamingTheFile()
    {
        string path = Path.Combine(_directory, "two.json");
        await File.WriteAllTextAsync(path, """{"version": 1, "ranks": ["a", "a"]}""");
        ProcessResult result = await CliProcess.RunToolAsync("run", "-n", "3", "--env", $"COLLECTIVES_TOPOLOGY_FILE={path}",
            "--", CliProcess.Tool, "topo");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"Topology file '{path}' describes 2 ranks but the job has 3.", result.Error);
    }

    [Fact]
    public async Task AFileIsCheckedWithoutALauncher()
    {
        string good = Path.Combine(_directory, "good.json");
        await File.WriteAllTextAsync(good, """{"version": 1, "ranks": ["a", "a", "b"], "links": {"intra": "shm", "inter": "tcp"}}""");
        ProcessResult printed = await CliProcess.RunToolAsync("topo", "--file", good);
        Assert.True(printed.ExitCode == 0, printed.ToString());
        Assert.Contains("topology: 2 hosts (2+1 ranks), shm inside, tcp across", printed.Output);
        Assert.Contains("  0 S s t", printed.Output);

        ProcessResult json = await CliProcess.RunToolAsync("topo", "--file", good, "--json");
        Assert.Equal(3, TopologyJson.Parse(json.Output).Size);

        string bad = Path.Combine(_directory, "bad.json");
        await File.WriteAllTextAsync(bad, """{"version": 1, "ranks": ["a", {"host": "b", "sockets": 1}]}""");
        ProcessResult refused = await CliProcess.RunToolAsync("topo", "--file", bad);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains($"Topology file '{bad}': ranks[1].sockets: unknown field", refused.Error);
    }

    [Fact]
    public async Task WithoutALauncherOrAFileItSaysHowToRunIt()
    {
        ProcessResult result = await CliProcess.RunAsync(CliProcess.Tool, ["topo"], new Dictionary<string, string>());
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("collectives run -n 3 -- collectives topo", result.Error);
    }
}
