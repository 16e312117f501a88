using Collectives.Kernels;
using Collectives.Selection;

namespace Collectives.Cli.Perf;

/// <summary>
/// What <c>collectives perf</c> runs, parsed from its flags. Defaults match nccl-tests where it
/// has the flag; each default is a named constant with its reason.
/// </summary>
internal sealed record PerfOptions
{
    /// <summary>nccl-tests' default smallest size: one float per rank pair, latency-bound.</summary>
    public const long DefaultMinBytes = 8;

    /// <summary>nccl-tests' default largest size: well past every cache, bandwidth-bound.</summary>
    public const long DefaultMaxBytes = 32L << 20;

    /// <summary>Doubling gives one row per power of two, as nccl-tests' usual -f 2.</summary>
    public const int DefaultStepFactor = 2;

    /// <summary>nccl-tests' default timed iterations per size.</summary>
    public const int DefaultIterations = 20;

    /// <summary>nccl-tests' default warm-up iterations (JIT, page faults, first-touch of buffers).</summary>
    public const int DefaultWarmupIterations = 5;

    /// <summary>Two ranks: the smallest group where every collective moves data.</summary>
    public const int DefaultRanks = 2;

    /// <summary>Largest group perf starts in one process: every rank holds its own buffers.</summary>
    public const int MaxRanks = 1024;

    /// <summary>
    /// Largest size: the biggest power of two under the library's per-call limit of 2 GiB − 1
    /// bytes, and buffers (allocated per rank) have to fit in memory.
    /// </summary>
    public const long MaxSizeBytes = 1L << 30;

    /// <summary>Ranks as tasks in this process (no launcher needed).</summary>
    public const string InProcessTransport = "inprocess";

    /// <summary>Transports perf can use: in-process, or processes over shared memory, TCP or RDMA (libfabric).</summary>
    public static IReadOnlyList<string> Transports { get; } = [InProcessTransport, "shm", "tcp", "rdma"];

    public CollectiveKind Collective { get; init; } = CollectiveKind.AllReduce;

    public long MinBytes { get; init; } = DefaultMinBytes;

    public long MaxBytes { get; init; } = DefaultMaxBytes;

    public int StepFactor { get; init; } = DefaultStepFactor;

    /// <summary>Additive step (nccl-tests -i); 0 means the sweep multiplies by <see cref="StepFactor"/>.</summary>
    public long StepBytes { get; init; }

    public int Iterations { get; init; } = DefaultIterations;

    public int WarmupIterations { get; init; } = DefaultWarmupIterations;

    /// <summary>
    /// Bytes to move per size (-B), or 0 for a fixed count: large sizes then take fewer
    /// iterations, small ones up to <see cref="Iterations"/>, the rule Open MPI's and Gloo's
    /// benchmarks in ../shared/peers use, so a comparison spends the same effort on both sides.
    /// </summary>
    public long BudgetBytes { get; init; }

    /// <summary>Fewest timed iterations a budget leaves at any size.</summary>
    public const int MinBudgetIterations = 5;

    /// <summary>Timed iterations at <paramref name="sizeBytes"/>: the same on every rank.</summary>
    public int IterationsFor(long sizeBytes) => BudgetBytes <= 0
        ? Iterations
        : (int)Math.Clamp(BudgetBytes / Math.Max(1, sizeBytes), Math.Min(MinBudgetIterations, Iterations), Iterations);

    /// <summary>Warm-up iterations at <paramref name="sizeBytes"/>: with a budget, a fifth of the timed ones (2 to -w).</summary>
    public int WarmupFor(long sizeBytes) => BudgetBytes <= 0
        ? WarmupIterations
        : Math.Clamp(IterationsFor(sizeBytes) / 5, Math.Min(2, WarmupIterations), WarmupIterations);

    /// <summary>Check results after the timed runs and count wrong elements (nccl-tests -c).</summary>
    public bool Check { get; init; } = true;

    public ReduceOp Op { get; init; } = ReduceOp.Sum;

    public DataType DataType { get; init; } = DataType.Float32;

    public int Root { get; init; }

    public int Ranks { get; init; } = DefaultRanks;

    /// <summary>Passed to <see cref="CommunicatorOptions.Algorithm"/>; null lets the selector choose.</summary>
    public string? Algorithm { get; init; }

    public string Transport { get; init; } = InProcessTransport;

    /// <summary>True when --transport was on the command line (a launched rank then forces it on the job).</summary>
    public bool TransportGiven { get; init; }

    public int ChunkBytes { get; init; } = CommunicatorOptions.DefaultChunkBytes;

    /// <summary>--offset: where each buffer starts past a page boundary, in bytes (0: page-aligned).</summary>
    public int OffsetBytes { get; init; }

    public TimeSpan Timeout { get; init; } = CommunicatorOptions.DefaultTimeout;

    /// <summary>Print one JSON document instead of the table.</summary>
    public bool Json { get; init; }

    /// <summary>Print the selector's choice and predicted time next to each measurement.</summary>
    public bool Predict { get; init; }

    /// <summary>--tune-file: the cost profile to select with; null reads COLLECTIVES_TUNE_FILE.</summary>
    public string? TuneFile { get; init; }

    /// <summary>The profile the ranks select with, loaded once by the command (null: built-in defaults).</summary>
    public CostProfile? CostProfile { get; init; }

    /// <summary>--help was given: print usage and run nothing.</summary>
    public bool Help { get; init; }

    /// <summary>The options every rank's communicator gets.</summary>
    /// <summary>Optical circuits to emulate on the in-process ranks' links (COLLECTIVES_CIRCUITS); launched ranks read the variable themselves.</summary>
    public Collectives.Transport.Circuits.CircuitSpec? Circuits { get; init; }

    public CommunicatorOptions ToCommunicatorOptions() => new()
    {
        Algorithm = Algorithm,
        ChunkBytes = ChunkBytes,
        Timeout = Timeout,
        CostProfile = CostProfile,
        Circuits = Circuits,
    };
}
