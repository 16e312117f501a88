namespace Collectives.Topology;

/// <summary>
/// The JSON form of a <see cref="JobTopology"/>: what <c>collectives topo --json</c> writes and
/// what COLLECTIVES_TOPOLOGY_FILE points at. Pure text ↔ model, no I/O; the parser is
/// hand-written over <see cref="System.Text.Json.Utf8JsonReader"/>, bounded, and throws only
/// <see cref="TopologyFormatException"/>.
/// <code>
/// {
///   "version": 1,
///   "ranks": [
///     {"rank": 0, "host": "node0", "hostId": "…", "numa": 0, "socket": 0, "core": -1, "interface": "eth0", "address": "10.0.0.1"},
///     …
///   ],
///   "links": {"intra": "shm", "inter": "tcp"},
///   "matrix": [["self", "shm", …], …]
/// }
/// </code>
/// An operator's file may say much less: <c>{"version": 1, "ranks": ["a", "a", "b", "b"]}</c>.
/// A rank entry is an object or just its host name; of an object only "host" (or "hostId") is
/// required: "hostId" defaults to "host", "rank" to the entry's index (and must equal it when
/// given), numa/socket/core to -1 (unknown), interface/address to null. Without "matrix" the
/// links follow the hosts: "links.intra" between ranks that share a host id, "links.inter"
/// between others, by default "shm" and "tcp" as the library chooses them. With a matrix,
/// "links" is optional and must agree with it. Unknown or repeated fields are errors, so a typo
/// never goes unnoticed; comments and trailing commas are allowed.
/// </summary>
public static class TopologyJson
{
    /// <summary>The format version this build writes and reads.</summary>
    public const int FormatVersion = 1;

    /// <summary>
    /// Most ranks a document may describe. <see cref="JobTopology"/> holds a dense Size × Size
    /// link matrix, so this cap (64 MiB of matrix) rather than the wire's
    /// <see cref="RankDescriptor.MaxRanks"/> is what a file may ask a process to allocate.
    /// </summary>
    public const int MaxRanks = 8192;

    /// <summary>Longest string field, in UTF-8 bytes: the same as a <see cref="RankDescriptor"/> carries.</summary>
    public const int MaxStringBytes = 254;

    /// <summary>Longest document, in characters: room for a full matrix of a few hundred ranks, far below memory trouble.</summary>
    public const int MaxDocumentChars = 32 << 20;

    /// <summary>
    /// Jobs up to this size get their matrix written even when "links" describes it, because a
    /// person reads it; larger ones rely on "links" (the matrix grows with the square of the size).
    /// </summary>
    public const int MatrixWrittenUpTo = 64;

    /// <summary>The document for <paramref name="topology"/>; <see cref="Parse"/> reads it back to an equal topology.</summary>
    /// <exception cref="ArgumentException">A string field is longer than <see cref="MaxStringBytes"/> or not valid UTF-16, or the job has more than <see cref="MaxRanks"/> ranks.</exception>
    public static string Write(JobTopology topology) => TopologyJsonWriter.Write(topology);

    /// <summary>Reads a document written by <see cref="Write"/> or by hand.</summary>
    /// <exception cref="TopologyFormatException">Anything wrong with the text; the message names the field.</exception>
    public static JobTopology Parse(string json) => TopologyJsonParser.Parse(json);
}
