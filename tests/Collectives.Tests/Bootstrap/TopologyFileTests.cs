using Collectives.Bootstrap;
using Collectives.Topology;

namespace Collectives.Tests.Bootstrap;

/// <summary>
/// COLLECTIVES_TOPOLOGY_FILE: the variable reaches <see cref="JobLaunchInfo"/>, the file is read
/// into the job's topology, and a bad file or one for another number of ranks fails naming the file.
/// </summary>
public sealed class TopologyFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("collectives-topology-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string WriteFile(string text)
    {
        string path = Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, text);
        return path;
    }

    private static JobLaunchInfo Job(int size, string? file)
    {
        var environment = new Dictionary<string, string>
        {
            [EnvironmentVariables.Rank] = "0",
            [EnvironmentVariables.Size] = size.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [EnvironmentVariables.LocalSize] = size.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [EnvironmentVariables.JobId] = "topology-file-test",
        };
        if (file is not null)
        {
            environment[EnvironmentVariables.TopologyFile] = file;
        }
        return JobEnvironment.Parse(environment);
    }

    [Fact]
    public void TheVariableIsReadIntoTheLaunchInfo()
    {
        Assert.Equal("/etc/topo.json", Job(2, " /etc/topo.json ").TopologyFile);
        Assert.Null(Job(2, null).TopologyFile);
        Assert.Null(Job(2, "  ").TopologyFile);
        Assert.Contains(EnvironmentVariables.TopologyFile, EnvironmentVariables.All);
    }

    [Fact]
    public void AJobWithoutTheVariableDetectsItsTopology() => Assert.Null(TopologyFile.ForJob(Job(2, null)));

    [Fact]
    public void TheFilesTopologyIsTheJobs()
    {
        string path = WriteFile("""{"version": 1, "ranks": ["rack-a", "rack-b"], "links": {"inter": "rdma"}}""");
        JobTopology topology = TopologyFile.ForJob(Job(2, path))!;
        Assert.Equal(["rack-a", "rack-b"], topology.Hosts.Select(h => h.HostName));
        Assert.Equal(LinkClass.Rdma, topology.LinkBetween(0, 1));
    }

    [Fact]
    public void AFileForAnotherNumberOfRanksNamesTheFileAndBothNumbers()
    {
        string path = WriteFile("""{"version": 1, "ranks": ["a", "a"]}""");
        JobEnvironmentException error = Assert.Throws<JobEnvironmentException>(() => TopologyFile.ForJob(Job(3, path)));
        Assert.Contains($"Topology file '{path}' describes 2 ranks but the job has 3.", error.Message);
        Assert.Contains($"{EnvironmentVariables.TopologyFile}={path}", error.Message);
    }

    [Fact]
    public void AMalformedFileNamesTheFileAndTheField()
    {
        string path = WriteFile("""{"version": 1, "ranks": ["a", {"host": "b", "numa": "zero"}]}""");
        JobEnvironmentException error = Assert.Throws<JobEnvironmentException>(() => TopologyFile.ForJob(Job(2, path)));
        Assert.Contains($"Topology file '{path}': ranks[1].numa: expected a whole number", error.Message);
        TopologyFileException direct = Assert.Throws<TopologyFileException>(() => TopologyFile.Read(path));
        Assert.IsType<TopologyFormatException>(direct.InnerException);
        Assert.Equal(path, direct.Path);
    }

    [Fact]
    public void AMissingFileNamesTheFile()
    {
        string path = Path.Combine(_directory, "absent.json");
        TopologyFileException error = Assert.Throws<TopologyFileException>(() => TopologyFile.Read(path));
        Assert.Contains($"Topology file '{path}': cannot be read", error.Message);
        Assert.Contains(path, Assert.Throws<JobEnvironmentException>(() => TopologyFile.ForJob(Job(1, path))).Message);
    }

    [Fact]
    public void AFileWrittenByTheJsonWriterReadsBackEqual()
    {
        JobTopology topology = JobTopology.FromHostSizes([3, 1], LinkClass.SharedMemory, LinkClass.OpticalCircuit);
        string path = WriteFile(TopologyJson.Write(topology));
        JobTopology back = TopologyFile.Read(path);
        Assert.Equal(topology.Ranks, back.Ranks);
        Assert.Equal(topology.LinkMatrix, back.LinkMatrix);
    }
}
