namespace Collectives.Algorithms;

/// <summary>
/// Which ranks of a communicator share a host, as the hierarchical algorithms need it: hosts
/// numbered by their lowest rank, each host's ranks in rank order. Every rank builds the same
/// layout from the same topology, so they agree on groups without talking.
/// </summary>
internal sealed class HostLayout
{
    private readonly int[] _hostOf;
    private readonly int[] _localIndex;
    private readonly int[][] _members;

    /// <param name="hostOf">Host index of every rank; hosts numbered 0.. by their lowest rank.</param>
    public HostLayout(IReadOnlyList<int> hostOf)
    {
        _hostOf = hostOf.ToArray();
        int hosts = _hostOf.Length == 0 ? 0 : _hostOf.Max() + 1;
        var members = new List<int>[hosts];
        for (int h = 0; h < hosts; h++)
        {
            members[h] = [];
        }
        _localIndex = new int[_hostOf.Length];
        for (int rank = 0; rank < _hostOf.Length; rank++)
        {
            _localIndex[rank] = members[_hostOf[rank]].Count;
            members[_hostOf[rank]].Add(rank);
        }
        _members = members.Select(m => m.ToArray()).ToArray();
        MaxLocal = _members.Length == 0 ? 0 : _members.Max(m => m.Length);
        IsUniform = _members.All(m => m.Length == MaxLocal);
    }

    public int HostCount => _members.Length;

    /// <summary>Most ranks on one host.</summary>
    public int MaxLocal { get; }

    /// <summary>Every host runs the same number of ranks.</summary>
    public bool IsUniform { get; }

    /// <summary>More than one host, and some host runs more than one rank: a hierarchy to exploit.</summary>
    public bool IsHierarchical => HostCount > 1 && MaxLocal > 1;

    public int HostOf(int rank) => _hostOf[rank];

    public int LocalIndexOf(int rank) => _localIndex[rank];

    /// <summary>The ranks of host <paramref name="host"/>, in rank order.</summary>
    public int[] Members(int host) => _members[host];
}
