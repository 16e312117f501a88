using System.Net;
using System.Text;
using Collectives.Transport.Circuits;
using Collectives.Transport.Faults;

namespace Collectives.Bootstrap;

/// <summary>
/// Where this process stands in its job, as its launcher described it (see <see cref="JobEnvironment"/>).
/// Printing it never shows the secret.
/// </summary>
public sealed record JobLaunchInfo
{
    /// <summary>This process's rank in the job, 0 ≤ Rank &lt; Size.</summary>
    public required int Rank { get; init; }

    /// <summary>Number of ranks in the job.</summary>
    public required int Size { get; init; }

    /// <summary>This process's rank among the job's ranks on its host; null when the launcher does not say.</summary>
    public int? LocalRank { get; init; }

    /// <summary>Number of the job's ranks on this host; null when the launcher does not say.</summary>
    public int? LocalSize { get; init; }

    /// <summary>Where the rendezvous store is.</summary>
    public required RendezvousAddress Rendezvous { get; init; }

    /// <summary>The job's identity; equal on every rank, different for every concurrent job.</summary>
    public required string JobId { get; init; }

    /// <summary>COLLECTIVES_SECRET, or null: connections are then checked for the job id but not authenticated.</summary>
    public string? Secret { get; init; }

    /// <summary>COLLECTIVES_HOST_ID, overriding the computed host identity (<see cref="HostIdentity"/>).</summary>
    public string? HostId { get; init; }

    /// <summary>COLLECTIVES_TRANSPORTS: transport names in priority order ("shm", "tcp"); null lets the library choose.</summary>
    public IReadOnlyList<string>? Transports { get; init; }

    /// <summary>COLLECTIVES_ALGO, as given (the communicator's options parse it).</summary>
    public string? Algorithm { get; init; }

    /// <summary>COLLECTIVES_TIMEOUT: the deadline of every wait; null takes the library's default.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>COLLECTIVES_LOG_LEVEL; null takes the library's default.</summary>
    public JobLogLevel? LogLevel { get; init; }

    /// <summary>
    /// The address this rank's TCP transport binds and advertises: COLLECTIVES_TCP_ADDRESS, else
    /// loopback when every rank is on this host, else null: find it at start-up with
    /// <see cref="JobEnvironment.ResolveTcpAddress"/> (the address this host uses to reach the rendezvous host).
    /// </summary>
    public IPAddress? TcpAddress { get; init; }

    /// <summary>COLLECTIVES_FAULTS: faults to inject into this rank's links (tests only); null injects none.</summary>
    public FaultSpec? Faults { get; init; }

    /// <summary>COLLECTIVES_CIRCUITS: optical circuits to emulate on this rank's links; null emulates none.</summary>
    public CircuitSpec? Circuits { get; init; }

    /// <summary>
    /// COLLECTIVES_TUNE_FILE: a cost profile written by <c>collectives tune</c> for the selector;
    /// null takes the built-in costs.
    /// </summary>
    public string? TuneFile { get; init; }

    /// <summary>COLLECTIVES_CHANNELS: link sets to open to every peer; null opens one.</summary>
    public int? Channels { get; init; }

    /// <summary>
    /// COLLECTIVES_TOPOLOGY_FILE: a topology file (<see cref="TopologyFile"/>) to use instead of
    /// detecting the topology; null detects it.
    /// </summary>
    public string? TopologyFile { get; init; }

    /// <summary>
    /// COLLECTIVES_RDMA_PROVIDER: the libfabric provider the rdma transport opens (verbs, efa, tcp,
    /// shm, auto or a libfabric name); null takes auto.
    /// </summary>
    public string? RdmaProvider { get; init; }

    /// <summary>Which launcher's variables gave rank and size.</summary>
    public required LauncherConvention Source { get; init; }

    /// <summary>True when every rank of the job is known to run on this host (one-host job).</summary>
    public bool AllRanksLocal => Size == 1 || LocalSize == Size || Rendezvous.Kind == RendezvousKind.File;

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"Rank = {Rank}, Size = {Size}, LocalRank = {LocalRank}, LocalSize = {LocalSize}, ");
        builder.Append($"Rendezvous = {Rendezvous}, JobId = {JobId}, Secret = {(Secret is null ? "(none)" : "(set, hidden)")}, ");
        builder.Append($"HostId = {HostId}, Transports = {(Transports is null ? "" : string.Join(",", Transports))}, ");
        builder.Append($"Algorithm = {Algorithm}, Timeout = {Timeout}, LogLevel = {LogLevel}, TcpAddress = {TcpAddress}, Faults = {Faults}, Circuits = {Circuits}, ");
        builder.Append($"TopologyFile = {TopologyFile}, TuneFile = {TuneFile}, Channels = {Channels}, RdmaProvider = {RdmaProvider}, Source = {Source}");
        return true;
    }
}
