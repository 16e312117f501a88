using Collectives.Kernels;

namespace Collectives.Tests.Harness;

/// <summary>
/// Deterministic inputs per rank and their serial reference results. Every rank's data
/// differs, so a block delivered to the wrong rank or offset shows. Large inputs are periodic
/// with a prime period, so they and their references are built by tiling one period.
/// </summary>
internal static class TestInputs
{
    /// <summary>A prime, so no block or chunk size used by the algorithms is a multiple of it.</summary>
    private const int Period = 4099;

    /// <summary>The value rank <paramref name="rank"/> contributes at element <paramref name="index"/> for <paramref name="op"/>.</summary>
    public static long Value(ReduceOp op, int rank, int index, bool unsigned)
    {
        int i = index % Period;
        switch (op)
        {
            case ReduceOp.Prod:
                // ±1 and 2; a given element sees 2 on at most ⌈n/5⌉ ranks, so |product| ≤ 16 for 16 ranks.
                if ((i + rank) % 5 == 0)
                {
                    return 2;
                }
                return !unsigned && (i * 3 + rank) % 7 == 0 ? -1 : 1;
            case ReduceOp.BitAnd or ReduceOp.BitOr or ReduceOp.BitXor:
                // Arbitrary bit patterns; integer types only.
                ulong h = (ulong)(i + 1) * 0x9E3779B97F4A7C15UL ^ (ulong)(rank + 1) * 0xC2B2AE3D27D4EB4FUL;
                return (long)(h ^ (h >> 29));
            default:
                // Sum, Avg, Min, Max: [-8, 8] (unsigned: [0, 8]); |sum| ≤ 128 over 16 ranks.
                long v = ((i * 7) + (rank * 13) + (i / 5)) % 17 - 8;
                return unsigned ? Math.Abs(v) : v;
        }
    }

    /// <summary>Data for collectives without an op: distinct per rank and element, exact in every type.</summary>
    public static long Payload(int rank, int index) => ((index % Period) * 131L + rank * 977L) % 251 - 125 + (rank % 3);

    public static T[] Input<T>(ReduceOp op, int rank, int count)
        where T : unmanaged
    {
        bool unsigned = ElementType.IsUnsigned<T>();
        return Tile(count, i => ElementType.FromLong<T>(Value(op, rank, i, unsigned)));
    }

    public static T[] PayloadInput<T>(int rank, int count)
        where T : unmanaged => Tile(count, i => ElementType.FromLong<T>(Payload(rank, i)));

    /// <summary>Element-wise reduction of every rank's <see cref="Input{T}"/>, computed serially in long arithmetic.</summary>
    public static T[] Reduced<T>(ReduceOp op, int ranks, int count)
        where T : unmanaged
    {
        bool unsigned = ElementType.IsUnsigned<T>();
        return Tile(count, i =>
        {
            long acc = Value(op, 0, i, unsigned);
            for (int r = 1; r < ranks; r++)
            {
                long v = Value(op, r, i, unsigned);
                acc = op switch
                {
                    ReduceOp.Sum or ReduceOp.Avg => acc + v,
                    ReduceOp.Prod => acc * v,
                    ReduceOp.Min => Math.Min(acc, v),
                    ReduceOp.Max => Math.Max(acc, v),
                    ReduceOp.BitAnd => acc & v,
                    ReduceOp.BitOr => acc | v,
                    ReduceOp.BitXor => acc ^ v,
                    _ => throw new ArgumentOutOfRangeException(nameof(op)),
                };
            }
            // Integer sums wrap in the element type before Avg divides, as they do in the algorithms.
            T value = ElementType.FromLong<T>(acc);
            return op == ReduceOp.Avg ? ElementType.DivideBy(value, ranks) : value;
        });
    }

    /// <summary>Every op defined for the type (bitwise ops only for integers).</summary>
    public static IEnumerable<ReduceOp> OpsFor<T>()
        where T : unmanaged =>
        Enum.GetValues<ReduceOp>().Where(op => ReductionKernels.IsValidOp(DataTypes.Of<T>(), op));

    /// <summary>Fills one period by calling <paramref name="element"/>, then doubles it by copying.</summary>
    private static T[] Tile<T>(int count, Func<int, T> element)
    {
        var result = new T[count];
        int first = Math.Min(count, Period);
        for (int i = 0; i < first; i++)
        {
            result[i] = element(i);
        }
        for (int filled = first; filled < count;)
        {
            int n = Math.Min(filled, count - filled);
            Array.Copy(result, 0, result, filled, n);
            filled += n;
        }
        return result;
    }
}
