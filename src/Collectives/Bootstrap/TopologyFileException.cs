namespace Collectives.Bootstrap;

/// <summary>
/// A topology file (<see cref="TopologyFile"/>) that cannot be used: missing, unreadable, too
/// large, or not a valid topology document. The message names the file; a format error is the
/// inner <see cref="Topology.TopologyFormatException"/>, whose message names the field.
/// </summary>
public sealed class TopologyFileException : Exception
{
    public TopologyFileException(string path, string problem, Exception? innerException = null)
        : base($"Topology file '{path}': {problem}", innerException)
    {
        Path = path;
    }

    /// <summary>The file, as it was named.</summary>
    public string Path { get; }
}
