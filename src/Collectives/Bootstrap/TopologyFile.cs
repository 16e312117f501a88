using System.Globalization;
using Collectives.Topology;

namespace Collectives.Bootstrap;

/// <summary>
/// Reads topology files (<see cref="TopologyJson"/>): the I/O half of the JSON format, kept out of
/// the pure Topology folder. A job whose environment names one (COLLECTIVES_TOPOLOGY_FILE) uses
/// the file's topology instead of what its ranks detect: for machines whose detection is wrong
/// or incomplete, and for trying hierarchical algorithms on a layout the machine does not have.
/// </summary>
public static class TopologyFile
{
    /// <summary>Reads and parses <paramref name="path"/>.</summary>
    /// <exception cref="TopologyFileException">The file cannot be read, is too large, or is not a valid topology.</exception>
    public static JobTopology Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string text;
        try
        {
            // Checked before reading, so a wrong path (a device, a huge log) is refused rather than swallowed.
            long length = new FileInfo(path).Length;
            if (length > TopologyJson.MaxDocumentChars)
            {
                throw new TopologyFileException(path, string.Create(CultureInfo.InvariantCulture,
                    $"{length} bytes; a topology file may have at most {TopologyJson.MaxDocumentChars}."));
            }
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new TopologyFileException(path, $"cannot be read ({e.Message})", e);
        }
        try
        {
            return TopologyJson.Parse(text);
        }
        catch (TopologyFormatException e)
        {
            throw new TopologyFileException(path, e.Message, e);
        }
    }

    /// <summary>
    /// The topology of <paramref name="job"/>'s COLLECTIVES_TOPOLOGY_FILE, or null when it names
    /// none. A file that cannot be used, or describes another number of ranks than the job has, is
    /// a <see cref="JobEnvironmentException"/>: the environment contradicts itself.
    /// </summary>
    public static JobTopology? ForJob(JobLaunchInfo job)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (job.TopologyFile is not { } path)
        {
            return null;
        }
        KeyValuePair<string, string>[] found = [new(EnvironmentVariables.TopologyFile, path)];
        string needed = $"{EnvironmentVariables.TopologyFile} naming a topology file with one entry per rank of the job " +
            "('collectives topo --file PATH' checks one), or the variable unset to detect the topology.";
        JobTopology topology;
        try
        {
            topology = Read(path);
        }
        catch (TopologyFileException e)
        {
            throw new JobEnvironmentException(e.Message, found, needed);
        }
        if (topology.Size != job.Size)
        {
            throw new JobEnvironmentException(string.Create(CultureInfo.InvariantCulture,
                $"Topology file '{path}' describes {topology.Size} ranks but the job has {job.Size}."), found, needed);
        }
        return topology;
    }
}
