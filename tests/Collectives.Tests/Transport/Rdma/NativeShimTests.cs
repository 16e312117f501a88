using Collectives.Tests.Harness;
using Collectives.Tests.MultiProcess;
using Collectives.Transport.Rdma;

namespace Collectives.Tests.Transport.Rdma;

/// <summary>
/// The shim's own C tests (CTest, native/CMakeLists.txt), run on the tree the build made, so the
/// whole suite covers them: 1 MiB both ways by tagged send and by RMA write over tcp and shm, the
/// error paths, and the bandwidth probe, whose ring all-reduce in C checks every output bit.
/// </summary>
public sealed class NativeShimTests
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    private static readonly string[] Tests = ["fabric_pair_tcp", "fabric_pair_shm", "fabric_bad_input", "fabric_probe_tcp", "fabric_probe_shm"];

    [Fact]
    public async Task TheShimsCTestsPassOnTheTreeTheBuildMade()
    {
        RdmaTestJob.RequireProvider(RdmaProviders.Tcp);
        string buildDirectory = Path.Combine(RepositoryPaths.Root(), "src", "Collectives", "obj", "native", Configuration);
        Assert.True(File.Exists(Path.Combine(buildDirectory, "CTestTestfile.cmake")),
            $"The build made the shim but no CTest tree at {buildDirectory}: src/Collectives/NativeShim.targets configures native/ there.");
        string ctest = CliProcess.Find("ctest") ?? throw new InvalidOperationException("ctest (from cmake) is not on PATH, yet cmake built the shim.");
        ProcessResult result = await CliProcess.RunAsync(ctest, ["--test-dir", buildDirectory, "--output-on-failure", "--timeout", "120"]);
        Assert.True(result.ExitCode == 0, $"ctest exited {result.ExitCode}:\n{result.Output}\n{result.Error}");
        foreach (string test in Tests)
        {
            Assert.Matches($@"Test +#\d+: {test} \.+ +Passed", result.Output);
        }
    }
}
