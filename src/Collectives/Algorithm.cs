namespace Collectives;

/// <summary>
/// The algorithms a collective can run with. The numeric values travel in frame headers (two
/// ranks that pick different algorithms for the same call are told so), so they never change.
/// </summary>
public enum Algorithm : byte
{
    /// <summary>No choice involved (point-to-point messages).</summary>
    Direct = 0,
    /// <summary>Ring: bandwidth-optimal, 2(n−1) steps for all-reduce, chunked and pipelined.</summary>
    Ring = 1,
    /// <summary>Pipelined binary tree: log n depth, for latency-bound sizes.</summary>
    Tree = 2,
    /// <summary>Recursive halving reduce-scatter then recursive doubling all-gather (Rabenseifner).</summary>
    HalvingDoubling = 3,
    /// <summary>Pairwise exchange: step k talks to rank ± k.</summary>
    Pairwise = 4,
    /// <summary>Dissemination: round k signals rank + 2^k.</summary>
    Dissemination = 5,
    /// <summary>Recursive doubling: log n steps, each swapping the whole buffer; fewest round trips, for small messages.</summary>
    RecursiveDoubling = 6,
    /// <summary>Reduce-scatter inside each host, halving-doubling across hosts per shard, all-gather inside each host.</summary>
    Hierarchical = 7,
    /// <summary>Two-dimensional ring: a ring inside each host, then a ring across hosts per shard, then a ring inside again.</summary>
    TwoDimensionalRing = 8,
}
