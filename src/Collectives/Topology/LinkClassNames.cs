namespace Collectives.Topology;

/// <summary>Short names of link classes as they appear in topology files, tune profiles and explain output.</summary>
public static class LinkClassNames
{
    public static string Name(LinkClass link) => link switch
    {
        LinkClass.Self => "self",
        LinkClass.InProcess => "inprocess",
        LinkClass.SharedMemory => "shm",
        LinkClass.Tcp => "tcp",
        LinkClass.Rdma => "rdma",
        LinkClass.OpticalCircuit => "optical",
        _ => throw new ArgumentOutOfRangeException(nameof(link), link, "Unknown link class."),
    };

    /// <summary>Parses a name written by <see cref="Name"/> (case-insensitive); also accepts the transport names "shm", "tcp".</summary>
    public static bool TryParse(string? text, out LinkClass link)
    {
        foreach (LinkClass candidate in All)
        {
            if (string.Equals(text?.Trim(), Name(candidate), StringComparison.OrdinalIgnoreCase))
            {
                link = candidate;
                return true;
            }
        }
        link = default;
        return false;
    }

    /// <summary>Every link class, in enum order.</summary>
    public static IReadOnlyList<LinkClass> All { get; } =
        [LinkClass.Self, LinkClass.InProcess, LinkClass.SharedMemory, LinkClass.Tcp, LinkClass.Rdma, LinkClass.OpticalCircuit];

    /// <summary>The class of link a transport provides, from the transport's name ("shm" → shared memory).</summary>
    public static LinkClass FromTransportName(string? transport) => transport switch
    {
        "shm" => LinkClass.SharedMemory,
        "tcp" => LinkClass.Tcp,
        "rdma" => LinkClass.Rdma,
        "inprocess" => LinkClass.InProcess,
        null => LinkClass.Self,
        _ => LinkClass.Tcp,
    };
}
