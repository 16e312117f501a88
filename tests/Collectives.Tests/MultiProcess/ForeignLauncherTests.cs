namespace Collectives.Tests.MultiProcess;

/// <summary>
/// FromEnvironmentAsync under other launchers: Open MPI's mpirun and PyTorch's torchrun
/// (--no_python). .ci/run installs both from Debian; where one is missing its test says so and passes.
/// </summary>
public sealed class ForeignLauncherTests
{
    [Fact]
    public async Task RunsUnderMpirun()
    {
        string? mpirun = CliProcess.Find("mpirun");
        if (mpirun is null)
        {
            Assert.Skip("mpirun is not installed (Debian: openmpi-bin); .ci/run installs it.");
        }
        ProcessResult result = await CliProcess.RunAsync(mpirun, ["--allow-run-as-root", "--oversubscribe", "-np", "2",
            CliProcess.Tool, "check", "--max-bytes", "64K"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("check passed", result.Output);
    }

    [Fact]
    public async Task RunsUnderTorchrunNoPython()
    {
        string? torchrun = CliProcess.Find("torchrun");
        if (torchrun is null)
        {
            Assert.Skip("torchrun is not installed (Debian: python3-torch); .ci/run installs it.");
        }
        int port = FreePort();
        string logs = Directory.CreateTempSubdirectory("collectives-torchrun-").FullName;
        // Debian's torch 1.13 under Python 3.11 cannot parse --redirects 0 (its default): iterating an
        // IntFlag no longer yields the zero member, so torchrun crashes before starting anything.
        // Teeing stdout (1) sidesteps it and still shows rank 0's lines.
        ProcessResult result = await CliProcess.RunAsync(torchrun, ["--no_python", "--nproc_per_node", "2",
            "--redirects", "1", "--tee", "1", "--log_dir", logs,
            "--master_addr", "127.0.0.1", "--master_port", port.ToString(), CliProcess.Tool, "check", "--max-bytes", "64K"]);
        Directory.Delete(logs, recursive: true);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("check passed", result.Output);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
