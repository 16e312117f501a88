namespace Collectives.Cli.Perf;

/// <summary>
/// One step of the sweep shaped for a collective, as nccl-tests' getCollByteCount shapes it.
/// <see cref="SizeBytes"/> is the size column (the larger of a rank's send and receive bytes),
/// <see cref="Count"/> the count column (the count argument of the call: per-rank for
/// all-gather and reduce-scatter, per-peer block for all-to-all).
/// </summary>
/// <param name="SendCount">Elements each rank's input holds.</param>
/// <param name="ReceiveCount">Elements each rank's output holds (at the root, for reduce).</param>
internal readonly record struct CollectiveLayout(CollectiveKind Kind, int Ranks, int ElementSize, long SizeBytes, long Count,
    int SendCount, int ReceiveCount)
{
    /// <summary>
    /// Shapes <paramref name="requestedBytes"/>: whole elements, and for the collectives that split
    /// a buffer into one block per rank, a whole number of blocks (rounded down, as nccl-tests does).
    /// </summary>
    public static CollectiveLayout For(CollectiveKind kind, long requestedBytes, int ranks, int elementSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(requestedBytes);
        ArgumentOutOfRangeException.ThrowIfLessThan(ranks, 1);
        long count = requestedBytes / elementSize;
        long block = count / ranks;
        (long send, long receive, long parameter) = kind switch
        {
            CollectiveKind.AllReduce or CollectiveKind.Broadcast or CollectiveKind.Reduce => (count, count, count),
            CollectiveKind.ReduceScatter => (block * ranks, block, block),
            CollectiveKind.AllGather => (block, block * ranks, block),
            CollectiveKind.AllToAll => (block * ranks, block * ranks, block),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "perf does not benchmark this operation"),
        };
        if (Math.Max(send, receive) * elementSize > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(requestedBytes), requestedBytes, "one call carries under 2 GiB");
        }
        return new CollectiveLayout(kind, ranks, elementSize, Math.Max(send, receive) * elementSize, parameter, (int)send, (int)receive);
    }

    /// <summary>Elements of one rank's block in the collectives that split buffers per rank.</summary>
    public int BlockCount => (int)(Kind is CollectiveKind.AllReduce or CollectiveKind.Broadcast or CollectiveKind.Reduce ? 0 : Count);

    /// <summary>Elements a rank's in-place buffer holds: the larger of input and output.</summary>
    public int InPlaceCount => Math.Max(SendCount, ReceiveCount);
}
