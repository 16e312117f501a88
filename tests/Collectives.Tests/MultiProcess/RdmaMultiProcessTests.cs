using System.Text.RegularExpressions;
using Collectives.Tests.Transport.Rdma;

namespace Collectives.Tests.MultiProcess;

/// <summary>
/// Real processes over the rdma transport (libfabric's tcp and shm providers here): every
/// collective against exact results, perf, and a provider that does not exist. (A rank that
/// dies mid-collective is in <see cref="MultiProcessCollectiveTests"/>, with every transport.)
/// </summary>
public sealed class RdmaMultiProcessTests
{
    public static TheoryData<string, int> Jobs() => new() { { "tcp", 2 }, { "tcp", 3 }, { "tcp", 4 }, { "shm", 3 } };

    [Theory]
    [MemberData(nameof(Jobs))]
    public async Task EveryCollectiveIsRightAcrossProcessesOverRdma(string provider, int ranks)
    {
        RdmaTestJob.RequireProvider(provider);
        ProcessResult result = await CliProcess.RunToolAsync("run", "-n", ranks.ToString(), "--transports", "rdma",
            "--env", $"COLLECTIVES_RDMA_PROVIDER={provider}", "--", CliProcess.Tool, "check", "--max-bytes", "256K", "--print-transports");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"[0] check passed: 12 collective cases, point-to-point and barrier on {ranks} ranks over rdma", result.Output);
        Assert.DoesNotContain(" wrong", result.Output.Replace(" 0 wrong", "", StringComparison.Ordinal));
        Assert.Equal(ranks, Regex.Matches(result.Output, $@"rdma: rank \d+: provider {provider}: available: provider {Regex.Escape(provider == "tcp" ? "tcp;ofi_rxm" : "shm")}").Count);
        Assert.DoesNotMatch(@"transports: .*=(shm|tcp)\b", result.Output);
    }

    [Fact]
    public async Task PerfRunsOverRdma()
    {
        RdmaTestJob.RequireProvider("tcp");
        ProcessResult result = await CliProcess.RunToolAsync("perf", "allreduce", "--ranks", "2", "--transport", "rdma",
            "-b", "8", "-e", "2M", "-f", "8", "-n", "2", "-w", "1");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("transport: rdma", result.Output);
        Assert.Matches(@"\n\s+2097152\s+524288\s+float\s+sum", result.Output); // a ring-frame size, whole
        Assert.Contains("# Avg bus bandwidth", result.Output);
    }

    [Fact]
    public async Task AProviderThatDoesNotExistFailsEveryRankNamingItTheRankAndTheFabricText()
    {
        RdmaTestJob.RequireProvider("tcp"); // the shim must load for libfabric to be asked
        ProcessResult result = await CliProcess.RunToolAsync("run", "-n", "2", "--transports", "rdma",
            "--env", "COLLECTIVES_RDMA_PROVIDER=nosuchfabric", "--", CliProcess.Tool, "check");
        Assert.Equal(1, result.ExitCode);
        string line = result.Error.Split('\n').FirstOrDefault(l => l.StartsWith("[0] collectives check:", StringComparison.Ordinal))
            ?? throw new Xunit.Sdk.XunitException($"rank 0 reported nothing.\n{result}");
        Assert.Contains("Rank 0", line);
        Assert.Contains("nosuchfabric", line);
        Assert.Contains("No data available", line); // libfabric's own words, through the shim
        Assert.DoesNotContain("Unhandled exception", result.Error);
    }

    [Fact]
    public async Task CheckPrintsWhetherRdmaIsAvailable()
    {
        ProcessResult result = await CliProcess.RunToolAsync("run", "-n", "2", "--transports", "tcp",
            "--env", "COLLECTIVES_RDMA_PROVIDER=nosuchfabric", "--", CliProcess.Tool, "check", "--max-bytes", "64", "--print-transports");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(@"\[1\] rdma: rank 1: provider nosuchfabric: unavailable: ", result.Output);
    }
}
