using System.Globalization;

namespace Collectives.Topology;

/// <summary>
/// The shape of a job as every rank sees it: where each rank runs, which ranks share a host, and
/// the class of link between every pair of ranks. Built from what each rank detected and
/// gathered through the store (or from a topology file), so every rank holds the same picture
/// and the selector computes the same answer everywhere. Immutable; no I/O.
/// </summary>
public sealed class JobTopology
{
    private readonly RankPlacement[] _ranks;
    private readonly LinkClass[] _links;
    private readonly HostGroup[] _hosts;
    private readonly int[] _hostOf;
    private readonly int[] _localIndex;

    /// <param name="ranks">One placement per rank, indexed by rank.</param>
    /// <param name="links">Row-major Size × Size link classes; the diagonal is <see cref="LinkClass.Self"/>.</param>
    /// <exception cref="ArgumentException">Ranks out of order, a wrong matrix size, or an asymmetric matrix.</exception>
    public JobTopology(IReadOnlyList<RankPlacement> ranks, IReadOnlyList<LinkClass> links)
    {
        ArgumentNullException.ThrowIfNull(ranks);
        ArgumentNullException.ThrowIfNull(links);
        int size = ranks.Count;
        if (size == 0)
        {
            throw new ArgumentException("A topology needs at least one rank.", nameof(ranks));
        }
        if (size > MaxRanks)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"A topology of {size} ranks is above the {MaxRanks} this build describes (its link matrix is dense)."), nameof(ranks));
        }
        if (links.Count != size * size)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"A topology of {size} ranks needs {size * size} link classes (a {size} × {size} matrix); got {links.Count}."), nameof(links));
        }
        _ranks = ranks.ToArray();
        _links = links.ToArray();
        for (int rank = 0; rank < size; rank++)
        {
            if (_ranks[rank].Rank != rank)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"Topology entry {rank} describes rank {_ranks[rank].Rank}; entries must be in rank order 0..{size - 1}."), nameof(ranks));
            }
            for (int peer = 0; peer < size; peer++)
            {
                LinkClass forward = _links[(rank * size) + peer];
                if ((peer == rank) != (forward == LinkClass.Self))
                {
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                        $"Topology link {rank}→{peer} is {forward}; only a rank and itself are Self."), nameof(links));
                }
                if (forward != _links[(peer * size) + rank])
                {
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                        $"Topology link {rank}→{peer} is {forward} but {peer}→{rank} is {_links[(peer * size) + rank]}; a link has one class."), nameof(links));
                }
            }
        }
        // Hosts numbered by their lowest rank: the same numbering on every rank.
        var byId = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (RankPlacement placement in _ranks)
        {
            if (!byId.TryGetValue(placement.HostId, out List<int>? members))
            {
                byId[placement.HostId] = members = [];
                order.Add(placement.HostId);
            }
            members.Add(placement.Rank);
        }
        _hosts = new HostGroup[order.Count];
        _hostOf = new int[size];
        _localIndex = new int[size];
        for (int h = 0; h < order.Count; h++)
        {
            List<int> members = byId[order[h]];
            _hosts[h] = new HostGroup(h, order[h], _ranks[members[0]].HostName, members);
            for (int i = 0; i < members.Count; i++)
            {
                _hostOf[members[i]] = h;
                _localIndex[members[i]] = i;
            }
        }
        for (int a = 0; a < size; a++)
        {
            for (int b = a + 1; b < size; b++)
            {
                LinkClass link = _links[(a * size) + b];
                if (_hostOf[a] != _hostOf[b])
                {
                    InterHostClass = Slower(InterHostClass, link);
                }
                else
                {
                    IntraHostClass = Slower(IntraHostClass, link);
                }
            }
        }
    }

    /// <summary>Most ranks a topology holds: the link matrix is dense (64 MiB at this size).</summary>
    public const int MaxRanks = 8192;

    /// <summary>Number of ranks.</summary>
    public int Size => _ranks.Length;

    /// <summary>Where each rank runs, indexed by rank.</summary>
    public IReadOnlyList<RankPlacement> Ranks => _ranks;

    /// <summary>The hosts, numbered by their lowest rank.</summary>
    public IReadOnlyList<HostGroup> Hosts => _hosts;

    /// <summary>True when every host runs the same number of ranks.</summary>
    public bool IsUniform => _hosts.All(h => h.Count == _hosts[0].Count);

    /// <summary>Largest number of ranks on one host.</summary>
    public int MaxRanksPerHost => _hosts.Max(h => h.Count);

    /// <summary>The host index of <paramref name="rank"/>.</summary>
    public int HostOf(int rank) => _hostOf[rank];

    /// <summary>The position of <paramref name="rank"/> among its host's ranks (0-based, in rank order).</summary>
    public int LocalIndexOf(int rank) => _localIndex[rank];

    /// <summary>The class of the link between two ranks (<see cref="LinkClass.Self"/> for a rank and itself).</summary>
    public LinkClass LinkBetween(int a, int b) => _links[(a * Size) + b];

    /// <summary>The link classes as a row-major Size × Size matrix.</summary>
    public IReadOnlyList<LinkClass> LinkMatrix => _links;

    /// <summary>
    /// The slowest class among links that join different hosts (the inter-host fabric), or null
    /// for a single-host job. "Slowest" follows the order of preference: TCP after RDMA.
    /// </summary>
    public LinkClass? InterHostClass { get; }

    /// <summary>The slowest class among links inside one host, or null when no host has two ranks.</summary>
    public LinkClass? IntraHostClass { get; }

    /// <summary>
    /// A topology with the given ranks per host (hosts "host0", "host1", ...), ranks numbered
    /// host by host, <paramref name="intra"/> links inside hosts and <paramref name="inter"/>
    /// between them: for tests, <c>collectives explain</c> and the simulator.
    /// </summary>
    public static JobTopology FromHostSizes(IReadOnlyList<int> ranksPerHost, LinkClass intra = LinkClass.SharedMemory,
        LinkClass inter = LinkClass.Tcp)
    {
        ArgumentNullException.ThrowIfNull(ranksPerHost);
        if (ranksPerHost.Count == 0 || ranksPerHost.Any(n => n < 1))
        {
            throw new ArgumentException("Every host needs at least one rank, and there must be a host.", nameof(ranksPerHost));
        }
        var hostOf = new List<int>();
        for (int h = 0; h < ranksPerHost.Count; h++)
        {
            hostOf.AddRange(Enumerable.Repeat(h, ranksPerHost[h]));
        }
        return FromHostAssignment(hostOf, intra, inter);
    }

    /// <summary>A topology where rank r runs on host <c>hostOf[r]</c> (any order, hosts named "host{h}").</summary>
    public static JobTopology FromHostAssignment(IReadOnlyList<int> hostOf, LinkClass intra = LinkClass.SharedMemory,
        LinkClass inter = LinkClass.Tcp)
    {
        ArgumentNullException.ThrowIfNull(hostOf);
        int size = hostOf.Count;
        var ranks = new RankPlacement[size];
        for (int r = 0; r < size; r++)
        {
            string name = "host" + hostOf[r].ToString(CultureInfo.InvariantCulture);
            ranks[r] = new RankPlacement(r, name, name);
        }
        var links = new LinkClass[size * size];
        for (int a = 0; a < size; a++)
        {
            for (int b = 0; b < size; b++)
            {
                links[(a * size) + b] = a == b ? LinkClass.Self : hostOf[a] == hostOf[b] ? intra : inter;
            }
        }
        return new JobTopology(ranks, links);
    }

    /// <summary>One host running <paramref name="size"/> ranks joined by <paramref name="link"/>.</summary>
    public static JobTopology SingleHost(int size, LinkClass link = LinkClass.InProcess) =>
        FromHostSizes([size], intra: link, inter: link);

    /// <summary>The topology of a sub-group (a split communicator): <paramref name="members"/>[i] becomes rank i.</summary>
    public JobTopology Subset(IReadOnlyList<int> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        int size = members.Count;
        var ranks = new RankPlacement[size];
        var links = new LinkClass[size * size];
        for (int i = 0; i < size; i++)
        {
            ranks[i] = _ranks[members[i]] with { Rank = i };
            for (int j = 0; j < size; j++)
            {
                links[(i * size) + j] = LinkBetween(members[i], members[j]);
            }
        }
        return new JobTopology(ranks, links);
    }

    /// <summary>"2 hosts (2+2 ranks), shm inside, tcp across": for logs and explain output.</summary>
    public string Summary()
    {
        string counts = string.Join("+", _hosts.Select(h => h.Count.ToString(CultureInfo.InvariantCulture)));
        string text = string.Create(CultureInfo.InvariantCulture,
            $"{_hosts.Length} host{(_hosts.Length == 1 ? "" : "s")} ({counts} ranks)");
        if (IntraHostClass is { } intra)
        {
            text += ", " + LinkClassNames.Name(intra) + " inside";
        }
        if (InterHostClass is { } inter)
        {
            text += ", " + LinkClassNames.Name(inter) + " across";
        }
        return text;
    }

    private static LinkClass Slower(LinkClass? current, LinkClass link) =>
        current is { } known && Rank(known) >= Rank(link) ? known : link;

    // Preference order: lower is faster. Self < InProcess < SharedMemory < Rdma < OpticalCircuit < Tcp.
    private static int Rank(LinkClass link) => link switch
    {
        LinkClass.Self => 0,
        LinkClass.InProcess => 1,
        LinkClass.SharedMemory => 2,
        LinkClass.Rdma => 3,
        LinkClass.OpticalCircuit => 4,
        _ => 5,
    };
}
