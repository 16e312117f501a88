using Collectives.Tests.Transport.Rdma;

namespace Collectives.Tests.MultiProcess;

/// <summary>
/// Real processes started by our launcher: every collective checked against exact results on
/// 2, 3 and 4 ranks over each transport, a rank that dies mid-collective, and two jobs at once.
/// </summary>
public sealed class MultiProcessCollectiveTests
{
    public static TheoryData<string, int> Jobs()
    {
        var data = new TheoryData<string, int>();
        foreach (string transport in new[] { "shm", "tcp" })
        {
            foreach (int ranks in new[] { 2, 3, 4 })
            {
                data.Add(transport, ranks);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Jobs))]
    public async Task EveryCollectiveIsRightAcrossProcesses(string transport, int ranks)
    {
        ProcessResult result = await CliProcess.RunToolAsync("run", "-n", ranks.ToString(), "--transports", transport,
            "--", CliProcess.Tool, "check", "--max-bytes", "256K");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"[0] check passed: 12 collective cases, point-to-point and barrier on {ranks} ranks over {transport}", result.Output);
        Assert.DoesNotContain(" wrong", result.Output.Replace(" 0 wrong", "", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("shm")]
    [InlineData("tcp")]
    [InlineData("rdma")]
    public async Task APeerThatDiesMidCollectiveFailsTheOthersWithPeerLost(string transport)
    {
        if (transport == "rdma")
        {
            RdmaTestJob.RequireProvider("tcp"); // libfabric's tcp provider here: the death must come through the rdma link
        }
        // A long deadline: the others must learn of the death from the transport, not from their timers.
        ProcessResult result = await CliProcess.RunToolAsync("run", "-n", "3", "--transports", transport,
            "--env", "COLLECTIVES_TIMEOUT=300s", "--", CliProcess.Tool, "check", "--crash-rank", "1");
        Assert.Equal(42, result.ExitCode);
        Assert.Contains("collectives run: rank 1 failed first (exit code 42)", result.Error);
        foreach (int survivor in new[] { 0, 2 })
        {
            string line = result.Error.Split('\n').FirstOrDefault(l => l.StartsWith($"[{survivor}] collectives check:", StringComparison.Ordinal))
                ?? throw new Xunit.Sdk.XunitException($"rank {survivor} reported nothing.\n{result}");
            Assert.True(line.Contains("PeerLostException", StringComparison.Ordinal) && line.Contains("endpoint 1", StringComparison.Ordinal),
                $"rank {survivor} did not report losing endpoint 1: {line}");
        }
    }

    [Fact]
    public async Task TwoJobsOnOneHostDoNotCollide()
    {
        Task<ProcessResult>[] jobs = Enumerable.Range(0, 2).Select(_ => CliProcess.RunToolAsync("run", "-n", "2", "--transports", "shm",
            "--", CliProcess.Tool, "check", "--max-bytes", "64K")).ToArray();
        foreach (ProcessResult result in await Task.WhenAll(jobs))
        {
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Contains("check passed", result.Output);
        }
    }

    [Fact]
    public async Task TheLauncherStopsTheJobWhenARankFailsAndReportsWhy()
    {
        ProcessResult result = await CliProcess.RunToolAsync("run", "-n", "3", "--", "/bin/sh", "-c",
            "if [ \"$COLLECTIVES_RANK\" = 1 ]; then echo 'rank one gives up' >&2; exit 7; fi; echo \"hello from $COLLECTIVES_RANK of $COLLECTIVES_SIZE\"; sleep 60");
        Assert.Equal(7, result.ExitCode);
        Assert.Contains("collectives run: rank 1 failed first (exit code 7); stopped the others", result.Error);
        Assert.Contains("rank one gives up", result.Error);
        Assert.Contains("[0] hello from 0 of 3", result.Output);
        Assert.Contains("[2] hello from 2 of 3", result.Output);
    }

    [Fact]
    public async Task PerfStartsItsOwnRanksOverAProcessTransport()
    {
        ProcessResult result = await CliProcess.RunToolAsync("perf", "allreduce", "--ranks", "2", "--transport", "tcp",
            "-b", "8", "-e", "64K", "-f", "8", "-n", "2", "-w", "1");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("transport: tcp", result.Output);
        Assert.Contains("# Avg bus bandwidth", result.Output);
    }
}
