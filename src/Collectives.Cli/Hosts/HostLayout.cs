using System.Globalization;
using System.Net;

namespace Collectives.Cli.Hosts;

/// <summary>
/// Names and addresses of one run's emulated hosts. Every object a run creates carries the
/// launcher's process id (<c>coll-&lt;pid&gt;-h0</c>), so concurrent runs never clash and
/// <c>collectives hosts cleanup</c> can tell a crashed run's leftovers (its pid is gone) from a
/// live run's. Links live only inside the run's namespaces, so their short names never clash.
/// </summary>
internal sealed class HostLayout
{
    /// <summary>Every namespace of every run starts with this.</summary>
    public const string Prefix = "coll-";

    /// <summary>An unusual private /24, unlikely to meet a real network; private to each run's namespaces anyway.</summary>
    public const string Subnet = "10.231.0.";

    public const int PrefixLength = 24;

    /// <summary>Port of the rendezvous store rank 0 serves on host 0 (its namespace is fresh, so the port is free).</summary>
    public const int StorePort = 29500;

    /// <summary>The bridge inside the bridge namespace, and each host's end of its veth pair.</summary>
    public const string BridgeName = "br0";

    public const string HostInterface = "eth0";

    public HostLayout(int runId, IReadOnlyList<int> ranksPerHost)
    {
        RunId = runId;
        RanksPerHost = ranksPerHost;
        var placements = new List<RankPlacement>();
        for (int host = 0; host < ranksPerHost.Count; host++)
        {
            for (int local = 0; local < ranksPerHost[host]; local++)
            {
                placements.Add(new RankPlacement(placements.Count, host, local, ranksPerHost[host]));
            }
        }
        Placements = placements;
    }

    public int RunId { get; }

    public IReadOnlyList<int> RanksPerHost { get; }

    public int Hosts => RanksPerHost.Count;

    /// <summary>Every rank, numbered host by host.</summary>
    public IReadOnlyList<RankPlacement> Placements { get; }

    public string RunPrefix => Prefix + RunId.ToString(CultureInfo.InvariantCulture) + "-";

    public string BridgeNamespace => RunPrefix + "br";

    public string HostNamespace(int host) => RunPrefix + "h" + host.ToString(CultureInfo.InvariantCulture);

    /// <summary>The host name its ranks see (their UTS namespace's), so each host has its own host identity.</summary>
    public string HostName(int host) => HostNamespace(host);

    /// <summary>The bridge's end of host <paramref name="host"/>'s veth pair.</summary>
    public static string BridgePort(int host) => "h" + host.ToString(CultureInfo.InvariantCulture);

    public static IPAddress HostAddress(int host) => IPAddress.Parse(Subnet + (host + 1).ToString(CultureInfo.InvariantCulture));

    /// <summary>Rank 0's store, on host 0.</summary>
    public static string Rendezvous => $"tcp://{HostAddress(0)}:{StorePort}";

    /// <summary>Every namespace the run creates, the bridge's first.</summary>
    public IEnumerable<string> Namespaces => Enumerable.Range(0, Hosts).Select(HostNamespace).Prepend(BridgeNamespace);
}
