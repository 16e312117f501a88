using System.Globalization;
using Collectives.Selection;
using Collectives.Transport;

namespace Collectives;

/// <summary>
/// How a communicator behaves. Immutable; every rank of a job should use the same values
/// (ranks that disagree on <see cref="ChunkBytes"/> or <see cref="Algorithm"/> get a clear error
/// on their first collective rather than wrong data).
/// </summary>
public sealed record CommunicatorOptions
{
    /// <summary>
    /// Default deadline of one operation: as long as PyTorch's default collective timeout, since
    /// a training step's first collective may wait for a slow data loader on another rank.
    /// </summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Default payload of one frame: large enough that per-frame costs vanish beside copying a
    /// MiB, small enough that a ring step streams (its send and receive overlap chunk by chunk).
    /// </summary>
    public const int DefaultChunkBytes = 1 << 20;

    /// <summary>Smallest allowed chunk: below a cache line, frames cost more than they carry.</summary>
    public const int MinChunkBytes = 64;

    public static CommunicatorOptions Default { get; } = new();

    /// <summary>
    /// Deadline of every operation. When it passes the operation fails with a
    /// <see cref="CollectiveTimeoutException"/> naming the ranks it was waiting for, and the
    /// other ranks fail too instead of waiting for theirs.
    /// </summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    /// <summary>Largest payload of one frame; transfers are split into chunks of this size.</summary>
    public int ChunkBytes { get; init; } = DefaultChunkBytes;

    /// <summary>
    /// Forces algorithms instead of choosing by size: one name for every collective that has it
    /// ("ring", "tree", "halving-doubling"), or pairs per collective ("allreduce=tree,broadcast=ring").
    /// Null chooses automatically.
    /// </summary>
    public string? Algorithm { get; init; }

    /// <summary>
    /// The job this rank belongs to, for <see cref="Communicator.ConnectAsync"/>: rank, size,
    /// rendezvous address, job id, secret, transports. <see cref="Communicator.FromEnvironmentAsync"/>
    /// fills it from the launcher's environment. Not used by <see cref="Communicator.CreateLocalGroup(int, CommunicatorOptions?)"/>.
    /// </summary>
    public Collectives.Bootstrap.JobLaunchInfo? Job { get; init; }

    /// <summary>
    /// The job's shape when the caller knows it better than detection (a topology file, tests
    /// that emulate hosts in one process): which ranks share a host and what links them. Every
    /// rank must pass the same one. Null detects it (<see cref="Communicator.ConnectAsync"/>) or
    /// takes one host (<see cref="Communicator.CreateLocalGroup(int, CommunicatorOptions?)"/>).
    /// </summary>
    public Collectives.Topology.JobTopology? Topology { get; init; }

    /// <summary>
    /// Link sets to open to every peer (1 to <see cref="MaxChannels"/>): large ring all-reduces
    /// may be split across this many rings running side by side when the cost profile says one
    /// connection cannot fill a link (its link class's Streams). Each channel costs one more
    /// connection (or shared-memory segment) per peer. Every rank must use the same value.
    /// </summary>
    public int Channels { get; init; } = 1;

    /// <summary>Most channels a communicator may open.</summary>
    public const int MaxChannels = Bootstrap.JobEnvironment.MaxChannels;

    /// <summary>
    /// Alpha, beta and gamma the selector prices algorithms with: a profile written by
    /// <c>collectives tune</c> (COLLECTIVES_TUNE_FILE) or null for the built-in defaults. Every
    /// rank must use the same one, or ranks may pick different algorithms (a clear mismatch error).
    /// </summary>
    public CostProfile? CostProfile { get; init; }

    /// <summary>
    /// Optical circuits to emulate on this communicator's links (as COLLECTIVES_CIRCUITS does for
    /// launched jobs, which it overrides): frames wait for the circuits and switch changes of the
    /// spec, so real collectives run on one machine under an optical plan, and the selector prices
    /// all-reduce, reduce-scatter and all-gather with the optical circuit model of the same spec
    /// (<see cref="Selection.CircuitCostModel"/>). Every rank must use the same spec.
    /// </summary>
    public Collectives.Transport.Circuits.CircuitSpec? Circuits { get; init; }

    /// <summary>Where start-up notes go (a job without a secret, a store served by this rank); null writes to stderr.</summary>
    public Action<string>? Log { get; init; }

    /// <summary>Checks every value and parses the algorithm override.</summary>
    /// <exception cref="ArgumentException">A value is out of range; the message says what is allowed.</exception>
    internal AlgorithmOverrides Validate()
    {
        if (Timeout <= TimeSpan.Zero || Timeout == System.Threading.Timeout.InfiniteTimeSpan || Timeout.TotalMilliseconds > uint.MaxValue - 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Timeout), Timeout, string.Create(CultureInfo.InvariantCulture,
                $"CommunicatorOptions.Timeout must be positive and finite (at most {TimeSpan.FromMilliseconds(uint.MaxValue - 1)}); " +
                $"every wait needs a deadline."));
        }
        if (ChunkBytes < MinChunkBytes || ChunkBytes > TransportLimits.MaxFramePayload)
        {
            throw new ArgumentOutOfRangeException(nameof(ChunkBytes), ChunkBytes, string.Create(CultureInfo.InvariantCulture,
                $"CommunicatorOptions.ChunkBytes must be between {MinChunkBytes} and {TransportLimits.MaxFramePayload} (the largest frame every transport carries)."));
        }
        if (Channels is < 1 or > MaxChannels)
        {
            throw new ArgumentOutOfRangeException(nameof(Channels), Channels, string.Create(CultureInfo.InvariantCulture,
                $"CommunicatorOptions.Channels must be between 1 and {MaxChannels}."));
        }
        return AlgorithmOverrides.Parse(Algorithm);
    }
}
