namespace Collectives.Cli.Hosts;

/// <summary>What <c>collectives hosts run</c> was asked to do.</summary>
/// <param name="RanksPerHost">Ranks on each emulated host, in host order (ranks are numbered host by host).</param>
/// <param name="Rate">tc rate of every host's link, both directions ("1gbit"), or null for no limit.</param>
/// <param name="Environment">Extra environment for every rank (--env, --transports).</param>
/// <param name="Deadline">The whole run's deadline: past it every rank is stopped and the run fails.</param>
/// <param name="Program">What every rank runs.</param>
/// <param name="Arguments">Its arguments.</param>
internal sealed record HostsOptions(
    IReadOnlyList<int> RanksPerHost,
    string? Rate,
    IReadOnlyDictionary<string, string> Environment,
    TimeSpan Deadline,
    string Program,
    IReadOnlyList<string> Arguments)
{
    /// <summary>Longest run when --timeout is not given: any check fits, a hung rank does not stay long.</summary>
    public static readonly TimeSpan DefaultDeadline = TimeSpan.FromMinutes(10);

    /// <summary>Most emulated hosts: their addresses are .1 to .200 of one /24.</summary>
    public const int MaxHosts = 200;

    /// <summary>Most ranks on one emulated host (as <c>collectives run</c>).</summary>
    public const int MaxRanksPerHost = 1024;

    public int Ranks => RanksPerHost.Sum();
}
