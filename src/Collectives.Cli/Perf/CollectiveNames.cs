namespace Collectives.Cli.Perf;

/// <summary>The collectives perf can sweep, by the names users type and the tables print.</summary>
internal static class CollectiveNames
{
    /// <summary>Every benchmarkable collective, in the order nccl-tests lists its binaries.</summary>
    public static IReadOnlyList<CollectiveKind> All { get; } =
    [
        CollectiveKind.AllReduce, CollectiveKind.ReduceScatter, CollectiveKind.AllGather,
        CollectiveKind.Broadcast, CollectiveKind.Reduce, CollectiveKind.AllToAll,
    ];

    public static string Name(CollectiveKind kind) => kind switch
    {
        CollectiveKind.AllReduce => "allreduce",
        CollectiveKind.ReduceScatter => "reducescatter",
        CollectiveKind.AllGather => "allgather",
        CollectiveKind.Broadcast => "broadcast",
        CollectiveKind.Reduce => "reduce",
        CollectiveKind.AllToAll => "alltoall",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "perf does not benchmark this operation"),
    };

    /// <summary>
    /// Accepts the names above, nccl-tests' spellings ("all_reduce", "all_reduce_perf") and
    /// dashes ("all-reduce"), case-insensitively.
    /// </summary>
    public static bool TryParse(string text, out CollectiveKind kind)
    {
        string key = text.Trim().ToLowerInvariant().Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        if (key.EndsWith("perf", StringComparison.Ordinal))
        {
            key = key[..^"perf".Length];
        }
        if (key == "bcast")
        {
            key = "broadcast";
        }
        foreach (CollectiveKind candidate in All)
        {
            if (Name(candidate) == key)
            {
                kind = candidate;
                return true;
            }
        }
        kind = default;
        return false;
    }

    /// <summary>True for the collectives that take a <see cref="ReduceOp"/>.</summary>
    public static bool Reduces(CollectiveKind kind) =>
        kind is CollectiveKind.AllReduce or CollectiveKind.ReduceScatter or CollectiveKind.Reduce;

    /// <summary>True for the collectives that take a root rank.</summary>
    public static bool HasRoot(CollectiveKind kind) => kind is CollectiveKind.Broadcast or CollectiveKind.Reduce;
}
