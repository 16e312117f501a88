using Collectives.Cli.CommandLine;
using Collectives.Cli.Perf;
using Collectives.Optical.Switches;

namespace Collectives.Cli.Sim;

/// <summary>The flags of <c>collectives sim</c>: the same list drives parsing and --help.</summary>
internal static class SimFlags
{
    public static readonly FlagSpec Fabric = new("fabric", null, "PATH", "a fabric file (JSON, see below); flags given too override it");
    public static readonly FlagSpec Network = new("network", null, "KIND", "electrical, optical or hybrid (default electrical)");
    public static readonly FlagSpec Ranks = new("ranks", 'n', "N", "ranks in the job, 1 to 65536 (default 64)");
    public static readonly FlagSpec RanksPerNode = new("ranks-per-node", null, "R", "ranks per node, joined by the intra-node links (default 1)");
    public static readonly FlagSpec Alpha = new("alpha", null, "US", "seconds to start a message, in us (default: the cost profile's optical-circuit alpha, 2 us)");
    public static readonly FlagSpec HopDelay = new("hop-delay", null, "US", "propagation per circuit, or per switch crossed, in us (default 0.5)");
    public static readonly FlagSpec NicBandwidth = new("nic-bandwidth", null, "GBS", "electrical NIC bandwidth in GB/s (default: degree x port bandwidth)");
    public static readonly FlagSpec LeafSize = new("leaf-size", null, "N", "nodes per leaf of a two-tier fat-tree (default 0: one non-blocking switch)");
    public static readonly FlagSpec Oversubscription = new("oversubscription", null, "X", "a leaf's downlinks over its uplinks, e.g. 3 for 3:1 (default 1)");
    public static readonly FlagSpec Switch = new("switch", null, "NAME", "circuit switch preset: " + string.Join(", ", OpticalSwitchPresets.All.Select(s => s.Name)) + " (default mems-ocs)");
    public static readonly FlagSpec Degree = new("degree", 'd', "D", "optical ports per node, one switch plane each (default 4)");
    public static readonly FlagSpec PortBandwidth = new("port-bandwidth", null, "GBS", "bandwidth of one optical port in GB/s (default: the switch's)");
    public static readonly FlagSpec Reconfiguration = new("reconfiguration", null, "US", "replace the switch's reconfiguration time (median and p99), in us");
    public static readonly FlagSpec Forwarding = new("forwarding", null, "US", "time a host adds relaying a message, in us (default: the profile's RDMA alpha)");
    public static readonly FlagSpec PeriodicHold = new("periodic-hold", null, "US", "the switch is time-shared: lit this long, then dark one reconfiguration, repeatedly");
    public static readonly FlagSpec Current = new("current", null, "CONF", "circuits before the call: none, ring or rings (default none)");
    public static readonly FlagSpec IntraAlpha = new("intra-alpha", null, "US", "latency between ranks of one node, in us (default: the profile's shared memory)");
    public static readonly FlagSpec IntraBandwidth = new("intra-bandwidth", null, "GBS", "bandwidth between ranks of one node in GB/s (default: the profile's shared memory)");
    public static readonly FlagSpec P99 = new("p99", null, null, "charge each reconfiguration the switch's p99, not its median");
    public static readonly FlagSpec Idle = new("idle", null, "US", "idle time before each call in us, in which the first change can hide (default inf)");
    public static readonly FlagSpec Collectives = new("collectives", 'c', "LIST", "allreduce, reducescatter, allgather (default allreduce)");
    public static readonly FlagSpec Algorithms = new("algorithms", 'a', "LIST", "ring, multi-ring, halving-doubling, recursive-doubling (default all)");
    public static readonly FlagSpec Sizes = new("sizes", null, "LIST", "sizes, e.g. 8,64K,1M,16M,256M (the default)");
    public static readonly FlagSpec DataTypeFlag = new("dtype", null, "TYPE", $"element type, for the reduction's speed: {DataTypeNames.Allowed()} (default float)");
    public static readonly FlagSpec TuneFile = new("tune-file", null, "PATH", "cost profile written by collectives tune (default: COLLECTIVES_TUNE_FILE, else built-in defaults)");
    public static readonly FlagSpec BreakEven = new("break-even", null, null, "also print the reconfiguration times at which the fastest algorithm changes");
    public static readonly FlagSpec Json = new("json", null, null, "print one JSON document instead of the table");
    public static readonly FlagSpec Plot = new("plot", null, "FILE", "also draw time and bus bandwidth against size per algorithm into FILE.svg or FILE.png");
    public static readonly FlagSpec Help = new("help", 'h', null, "print this help");

    public static IReadOnlyList<FlagSpec> All { get; } =
    [
        Fabric, Network, Ranks, RanksPerNode, Alpha, HopDelay, NicBandwidth, LeafSize, Oversubscription, Switch, Degree, PortBandwidth,
        Reconfiguration, Forwarding, PeriodicHold, Current, IntraAlpha, IntraBandwidth, P99, Idle, Collectives, Algorithms, Sizes,
        DataTypeFlag, TuneFile, BreakEven, Json, Plot, Help,
    ];
}
