namespace Collectives.Selection;

/// <summary>
/// Picks an algorithm from the message size alone until the topology-aware selector arrives.
/// A pure function: every rank computes the same answer from the same call.
/// </summary>
internal static class InterimAlgorithmRule
{
    /// <summary>
    /// Up to this, all-reduce is latency-bound: recursive doubling's log n round trips (one for
    /// two ranks) beat the tree's 2 log n and the ring's 2(n−1), although it moves the whole
    /// buffer every step.
    /// </summary>
    public const long AllReduceRecursiveDoublingMaxBytes = 16 << 10;

    /// <summary>
    /// Below this, halving-doubling (2 log n steps, each rank moves ~2× its data) beats the ring
    /// (2(n−1) steps); above it, the ring's pipelined chunks win on bandwidth.
    /// </summary>
    public const long AllReduceHalvingDoublingMaxBytes = 1 << 20;

    /// <summary>Below this, a tree broadcast's log n depth beats a chain's n−1 hops.</summary>
    public const long BroadcastTreeMaxBytes = 256 << 10;

    public static Algorithm Choose(CollectiveKind kind, long bytes, int size, AlgorithmOverrides overrides)
    {
        if (overrides.TryGet(kind, out Algorithm forced))
        {
            return forced;
        }
        return kind switch
        {
            CollectiveKind.AllReduce when bytes <= AllReduceRecursiveDoublingMaxBytes => Algorithm.RecursiveDoubling,
            CollectiveKind.AllReduce when size <= 2 => Algorithm.Ring,
            CollectiveKind.AllReduce when bytes <= AllReduceHalvingDoublingMaxBytes => Algorithm.HalvingDoubling,
            CollectiveKind.AllReduce => Algorithm.Ring,
            CollectiveKind.Broadcast when bytes <= BroadcastTreeMaxBytes => Algorithm.Tree,
            CollectiveKind.Broadcast => Algorithm.Ring,
            _ => AlgorithmCatalog.For(kind)[0],
        };
    }
}
