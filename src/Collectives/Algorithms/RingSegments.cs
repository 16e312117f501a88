namespace Collectives.Algorithms;

/// <summary>
/// How a ring reduce-scatter (<see cref="RingAllReduce.ReduceScatterPhaseAsync(CollectiveContext, ReadOnlyMemory{byte}, Memory{byte}, RingSegments)"/>)
/// cuts its buffer: segment k of n is the k-th of n even parts (<see cref="Partition"/>), or a byte
/// range the caller gives, for algorithms whose segments follow boundaries of their own (the
/// lanes of unequal hosts). Given ranges must not overlap; they need not be in memory order.
/// A struct, so the even cut of every ring all-reduce allocates nothing.
/// </summary>
internal readonly struct RingSegments
{
    private readonly long _count;
    private readonly int _elementSize;
    private readonly (int Offset, int Length)[]? _given;

    private RingSegments(long count, int parts, int elementSize, (int Offset, int Length)[]? given)
    {
        _count = count;
        Count = parts;
        _elementSize = elementSize;
        _given = given;
    }

    /// <summary><paramref name="count"/> elements cut into <paramref name="parts"/> blocks that differ by at most one element.</summary>
    public static RingSegments Even(long count, int parts, int elementSize) => new(count, parts, elementSize, null);

    /// <summary>Segment k is <paramref name="segments"/>[k] (byte offset and length).</summary>
    public static RingSegments Given((int Offset, int Length)[] segments) => new(0, segments.Length, 0, segments);

    /// <summary>Number of segments: the ring's size.</summary>
    public int Count { get; }

    /// <summary>Byte range of segment <paramref name="index"/>.</summary>
    public (int Offset, int Length) this[int index] => _given is { } given ? given[index] : Partition.Bytes(_count, Count, index, _elementSize);
}
