using System.Globalization;

namespace Collectives.Cli.Hosts;

/// <summary>
/// One run's emulated hosts: a network namespace per host, each joined by a veth pair to a
/// bridge in a namespace of its own (so nothing in the machine's own namespace changes and no
/// firewall there sees the traffic), addresses 10.231.0.(host+1)/24, loopback up, and an
/// optional tc tbf rate limit on both ends of every host's link (egress of each end = both
/// directions). Disposing removes all of it; a failed creation removes what it made.
/// </summary>
internal sealed class EmulatedNetwork : IAsyncDisposable
{
    /// <summary>Least tbf burst: a veth passes 64 KiB segmentation-offload packets whole, and a smaller bucket would drop them all.</summary>
    private const long MinBurstBytes = 256 << 10;

    /// <summary>How long a packet may wait in the bucket before tbf drops it; TCP slows down well before.</summary>
    private const string QueueLatency = "100ms";

    private readonly HostLayout _layout;

    private EmulatedNetwork(HostLayout layout) => _layout = layout;

    public static async Task<EmulatedNetwork> CreateAsync(HostLayout layout, string? rate)
    {
        var network = new EmulatedNetwork(layout);
        try
        {
            await network.BuildAsync(rate).ConfigureAwait(false);
            return network;
        }
        catch
        {
            await network.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Problems met while removing the network (empty when everything went).</summary>
    public List<string> TeardownProblems { get; } = [];

    private async Task BuildAsync(string? rate)
    {
        string bridgeNs = _layout.BridgeNamespace;
        await Ip("netns", "add", bridgeNs).ConfigureAwait(false);
        await Ip("-n", bridgeNs, "link", "set", "lo", "up").ConfigureAwait(false);
        await Ip("-n", bridgeNs, "link", "add", HostLayout.BridgeName, "type", "bridge").ConfigureAwait(false);
        await Ip("-n", bridgeNs, "link", "set", HostLayout.BridgeName, "up").ConfigureAwait(false);
        for (int host = 0; host < _layout.Hosts; host++)
        {
            string ns = _layout.HostNamespace(host);
            string port = HostLayout.BridgePort(host);
            await Ip("netns", "add", ns).ConfigureAwait(false);
            await Ip("-n", ns, "link", "set", "lo", "up").ConfigureAwait(false);
            // Both ends are made straight inside their namespaces: nothing ever appears in the machine's own.
            await Ip("link", "add", HostLayout.HostInterface, "netns", ns, "type", "veth", "peer", "name", port, "netns", bridgeNs).ConfigureAwait(false);
            await Ip("-n", bridgeNs, "link", "set", port, "master", HostLayout.BridgeName).ConfigureAwait(false);
            await Ip("-n", bridgeNs, "link", "set", port, "up").ConfigureAwait(false);
            await Ip("-n", ns, "addr", "add", $"{HostLayout.HostAddress(host)}/{HostLayout.PrefixLength}", "dev", HostLayout.HostInterface).ConfigureAwait(false);
            await Ip("-n", ns, "link", "set", HostLayout.HostInterface, "up").ConfigureAwait(false);
            if (rate is not null)
            {
                string burst = Math.Max(MinBurstBytes, (long)(HostsOptionsParser.RateBitsPerSecond(rate) / 8 / 100)).ToString(CultureInfo.InvariantCulture);
                await Tc(ns, HostLayout.HostInterface, rate, burst).ConfigureAwait(false);
                await Tc(bridgeNs, port, rate, burst).ConfigureAwait(false);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Hosts first (their processes and veths), the bridge last; keep going past failures so as much as possible goes.
        foreach (string ns in _layout.Namespaces.Reverse())
        {
            if (await NamespaceRemover.RemoveAsync(ns).ConfigureAwait(false) is { } problem)
            {
                TeardownProblems.Add(problem);
            }
        }
    }

    private static Task<string> Ip(params string[] arguments) => SystemCommand.RequireAsync("ip", arguments);

    private static Task<string> Tc(string ns, string device, string rate, string burst) =>
        SystemCommand.RequireAsync("tc", "-n", ns, "qdisc", "add", "dev", device, "root", "tbf", "rate", rate, "burst", burst, "latency", QueueLatency);
}
