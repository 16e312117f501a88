using Collectives.Kernels;

namespace Collectives.Cli.Perf;

/// <summary>
/// The values rank r puts at element i of its input for a checked call, as small integers
/// (nccl-tests' approach): every partial result any reduction order can produce is exact in the
/// element type, so the expected result is exact and one wrong bit is a wrong element.
/// Values differ by rank and element, so a block delivered to the wrong rank or offset shows.
/// </summary>
internal sealed class InputPattern
{
    /// <summary>A prime period, so no chunk or block size lines up with the pattern's repeats.</summary>
    public const int Period = 4099;

    /// <summary>Magnitude of Sum/Min/Max/Avg inputs: ±8 keeps partial sums small in every type.</summary>
    private const int MaxAmplitude = 8;

    /// <summary>Prod inputs are ±1 and 2; at most this many 2s meet in one element, so |product| ≤ 256.</summary>
    private const int MaxTwosPerElement = 8;

    private readonly CollectiveKind _kind;
    private readonly ReduceOp _op;
    private readonly bool _unsigned;
    private readonly int _amplitude;
    private readonly long _contributingRanks;
    private readonly int _twoPeriod;

    public InputPattern(CollectiveKind kind, ReduceOp op, int ranks, DataType type)
    {
        _kind = kind;
        _op = op;
        _unsigned = ElementConvert.IsUnsigned(type);
        // |sum| ≤ amplitude × ranks must stay exact: BFloat16 holds integers up to 256 only.
        long limit = ElementConvert.ExactIntegerLimit(type);
        _amplitude = (int)Math.Clamp(limit / ranks, 1, MaxAmplitude);
        _contributingRanks = Math.Min(ranks, limit / _amplitude);
        _twoPeriod = Math.Max(5, (ranks + MaxTwosPerElement - 1) / MaxTwosPerElement);
    }

    /// <summary>
    /// What <paramref name="rank"/> puts at <paramref name="index"/> of its input buffer; depends on
    /// the index only through index mod <see cref="Period"/>.
    /// </summary>
    public long Value(int rank, long index)
    {
        int i = (int)(index % Period);
        if (!CollectiveNames.Reduces(_kind))
        {
            // Payload for gathers, broadcast, all-to-all: |v| ≤ 125 (unsigned: 0..250), exact everywhere.
            int v = ((i * 131) + (rank * 977)) % 251;
            return _unsigned ? v : v - 125;
        }
        switch (_op)
        {
            case ReduceOp.Prod:
                if ((i + rank) % _twoPeriod == 0)
                {
                    return 2;
                }
                return !_unsigned && ((i * 3) + rank) % 7 == 0 ? -1 : 1;
            case ReduceOp.BitAnd or ReduceOp.BitOr or ReduceOp.BitXor:
                // Arbitrary bit patterns; bitwise ops take integer types only, which keep the low bits.
                ulong h = ((ulong)(i + 1) * 0x9E3779B97F4A7C15UL) ^ ((ulong)(rank + 1) * 0xC2B2AE3D27D4EB4FUL);
                return (long)(h ^ (h >> 29));
            default:
                if (rank >= _contributingRanks)
                {
                    // Only for BFloat16 beyond 256 ranks: the rest add zeros so the sum stays exact.
                    return 0;
                }
                long s = (((long)i * 7) + ((long)rank * 13) + (i / 5)) % ((2 * _amplitude) + 1) - _amplitude;
                return _unsigned ? Math.Abs(s) : s;
        }
    }
}
