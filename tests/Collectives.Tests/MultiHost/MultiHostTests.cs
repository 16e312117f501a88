using System.Diagnostics;
using System.Text.RegularExpressions;
using Collectives.Tests.MultiProcess;

namespace Collectives.Tests.MultiHost;

/// <summary>
/// Jobs across emulated hosts (<c>collectives hosts run</c>: network namespaces with their own
/// host names, joined through a bridge): every collective checked against exact results on
/// even and uneven hosts, shared memory within a host and TCP across, a run with injected delay
/// and jitter that still passes, and an injected connection loss that fails every rank fast.
/// Skipped where hosts cannot be emulated (not root, no iproute2, no namespaces). Every run
/// must leave no namespace behind.
/// </summary>
public sealed partial class MultiHostTests
{
    /// <summary>Each run's own deadline: far above the seconds a run takes, below CliProcess.Guard so the tool reports it.</summary>
    private const string RunDeadline = "180s";

    private static readonly Lazy<Task<string?>> Unavailable = new(ProbeAsync);

    private static async Task<string?> ProbeAsync()
    {
        if (!OperatingSystem.IsLinux() || !Environment.IsPrivilegedProcess)
        {
            return "emulating hosts needs Linux and root";
        }
        ProcessResult probe = await CliProcess.RunToolAsync("hosts", "probe");
        return probe.ExitCode == 0 ? null : probe.Error.Trim();
    }

    private static async Task<ProcessResult> RunHostsAsync(string hosts, IEnumerable<string> options, params string[] check)
    {
        if (await Unavailable.Value is { } reason)
        {
            Assert.Skip($"Multi-host tests skipped: {reason}");
        }
        ProcessResult result = await CliProcess.RunToolAsync(
            ["hosts", "run", "--hosts", hosts, "--timeout", RunDeadline, .. options, "--", CliProcess.Tool, "check", .. check]);
        await AssertNothingLeftAsync(result);
        return result;
    }

    /// <summary>The run named its namespaces (coll-&lt;pid&gt;-...) on its first line; none may remain.</summary>
    private static async Task AssertNothingLeftAsync(ProcessResult result)
    {
        Match named = RunPrefix().Match(result.Error);
        Assert.True(named.Success, $"the run did not name its namespaces.\n{result}");
        ProcessResult list = await CliProcess.RunAsync("ip", ["netns", "list"]);
        Assert.DoesNotContain(named.Groups[1].Value, list.Output);
    }

    /// <summary>Every rank's "transports:" line: shared memory to the ranks of its own host, <paramref name="across"/> to every other.</summary>
    private static void AssertTransportsFollowHosts(ProcessResult result, int[] ranksPerHost, string across = "tcp")
    {
        int[] hostOf = ranksPerHost.SelectMany((count, host) => Enumerable.Repeat(host, count)).ToArray();
        string[] hostNames = new string[ranksPerHost.Length];
        for (int rank = 0; rank < hostOf.Length; rank++)
        {
            Match line = Regex.Match(result.Output, $@"^\[{rank}\] transports: rank {rank} on (\S+): (.*)$", RegexOptions.Multiline);
            Assert.True(line.Success, $"rank {rank} printed no transports line.\n{result}");
            string hostName = line.Groups[1].Value;
            hostNames[hostOf[rank]] ??= hostName;
            Assert.Equal(hostNames[hostOf[rank]], hostName);
            string expected = string.Join(' ', Enumerable.Range(0, hostOf.Length).Where(peer => peer != rank)
                .Select(peer => $"{peer}={(hostOf[peer] == hostOf[rank] ? "shm" : across)}"));
            Assert.Equal(expected, line.Groups[2].Value.Trim());
        }
        Assert.Equal(hostNames.Length, hostNames.Distinct().Count());
    }

    private static void AssertPassed(ProcessResult result, int ranks)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"[0] check passed: 12 collective cases, point-to-point and barrier on {ranks} ranks", result.Output);
        Assert.DoesNotContain(" wrong", result.Output.Replace(" 0 wrong", "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EmulatedCircuitsJoinEmulatedHosts()
    {
        ProcessResult result = await RunHostsAsync("2,2", ["--env", "COLLECTIVES_CIRCUITS=reconfig=20us,bandwidth=4GB/s,plan=matchings"],
            "--max-bytes", "64K");
        AssertPassed(result, 4);
        Assert.Contains("COLLECTIVES_CIRCUITS=switch=fast-ocs,reconfig=20us", result.Output + result.Error);
    }

    [Fact]
    public async Task TwoHostsOfTwoRanksComputeEveryCollectiveRight()
    {
        ProcessResult result = await RunHostsAsync("2,2", [], "--max-bytes", "256K", "--print-transports");
        AssertPassed(result, 4);
        AssertTransportsFollowHosts(result, [2, 2]);
    }

    [Fact]
    public async Task ThreeUnevenRateLimitedHostsComputeEveryCollectiveRight()
    {
        ProcessResult result = await RunHostsAsync("2,1,3", ["--rate", "1gbit"], "--max-bytes", "64K", "--print-transports");
        AssertPassed(result, 6);
        AssertTransportsFollowHosts(result, [2, 1, 3]);
    }

    [Theory]
    [InlineData("allreduce=hierarchical,allgather=hierarchical,reducescatter=hierarchical")]
    [InlineData("allreduce=2d-ring")]
    public async Task HierarchicalCollectivesAcrossUnevenHostsComputeRight(string algorithms)
    {
        // Real processes, shared memory inside hosts and TCP across, 2 + 1 + 3 ranks.
        ProcessResult result = await RunHostsAsync("2,1,3", ["--env", $"COLLECTIVES_ALGO={algorithms}"], "--max-bytes", "1M");
        AssertPassed(result, 6);
    }

    [Fact]
    public async Task TopoSeesSharedMemoryInsideHostsAndTcpAcross()
    {
        if (await Unavailable.Value is { } reason)
        {
            Assert.Skip($"Multi-host tests skipped: {reason}");
        }
        ProcessResult result = await CliProcess.RunToolAsync(
            ["hosts", "run", "--hosts", "2,1,3", "--timeout", RunDeadline, "--", CliProcess.Tool, "topo", "--json"]);
        await AssertNothingLeftAsync(result);
        Assert.True(result.ExitCode == 0, result.ToString());
        string json = string.Join('\n', result.Output.Split('\n').Where(l => l.StartsWith("[0] ", StringComparison.Ordinal)).Select(l => l[4..]));
        global::Collectives.Topology.JobTopology topology = global::Collectives.Topology.TopologyJson.Parse(json);
        Assert.Equal([2, 1, 3], topology.Hosts.Select(h => h.Count));
        Assert.Equal(3, topology.Hosts.Select(h => h.HostName).Distinct().Count());
        for (int a = 0; a < topology.Size; a++)
        {
            for (int b = 0; b < topology.Size; b++)
            {
                global::Collectives.Topology.LinkClass expected = a == b ? global::Collectives.Topology.LinkClass.Self
                    : topology.HostOf(a) == topology.HostOf(b) ? global::Collectives.Topology.LinkClass.SharedMemory : global::Collectives.Topology.LinkClass.Tcp;
                Assert.Equal(expected, topology.LinkBetween(a, b));
            }
            Assert.StartsWith("10.231.0.", topology.Ranks[a].Address);
        }
    }

    [Fact]
    public async Task InjectedDelayAndJitterOnlySlowTheJobDown()
    {
        ProcessResult result = await RunHostsAsync("2,1", ["--env", "COLLECTIVES_FAULTS=seed=7,delay=200us,jitter=500us"], "--max-bytes", "64K");
        AssertPassed(result, 3);
        Assert.Contains("COLLECTIVES_FAULTS=seed=7,delay=200us,jitter=500us injects faults", result.Error);
    }

    [Fact]
    public async Task AnInjectedConnectionLossFailsEveryRankFastNamingTheRanks()
    {
        var clock = Stopwatch.StartNew();
        // A 300 s collective deadline: the ranks must learn of the loss from the links, not from their timers.
        ProcessResult result = await RunHostsAsync("2,2",
            ["--env", "COLLECTIVES_FAULTS=seed=1,drop-after=200,rank=1", "--env", "COLLECTIVES_TIMEOUT=300s"], "--max-bytes", "256K");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(120), $"the job took {clock.Elapsed} to fail.\n{result}");
        Assert.Equal(1, result.ExitCode);
        Assert.Matches(@"collectives hosts: rank \d failed first \(exit code 1\); stopped the others", result.Error);
        for (int rank = 0; rank < 4; rank++)
        {
            string line = result.Error.Split('\n').FirstOrDefault(l => l.StartsWith($"[{rank}] collectives check:", StringComparison.Ordinal))
                ?? throw new Xunit.Sdk.XunitException($"rank {rank} reported nothing.\n{result}");
            Assert.Contains("PeerLostException", line);
            Assert.Contains("rank 1: injected fault (COLLECTIVES_FAULTS=seed=1,drop-after=200,rank=1): dropped the link to rank ", line);
        }
    }

    [Fact]
    public async Task ARunPastItsDeadlineStopsItsRanksAndRemovesItsHosts()
    {
        if (await Unavailable.Value is { } reason)
        {
            Assert.Skip($"Multi-host tests skipped: {reason}");
        }
        ProcessResult result = await CliProcess.RunToolAsync("hosts", "run", "--hosts", "1,1", "--timeout", "2s", "--", "sleep", "120");
        Assert.Equal(124, result.ExitCode);
        Assert.Contains("passed its 00:00:02 deadline; stopped every rank", result.Error);
        await AssertNothingLeftAsync(result);
    }

    [GeneratedRegex(@"in namespaces (coll-\d+-)h0")]
    private static partial Regex RunPrefix();
}
