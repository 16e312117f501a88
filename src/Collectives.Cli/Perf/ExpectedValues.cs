using Collectives.Kernels;

namespace Collectives.Cli.Perf;

/// <summary>
/// Inputs and exact expected outputs of one checked perf call, per rank and element. Reductions
/// are computed serially in 64-bit integers over every rank's <see cref="InputPattern"/> value,
/// once per pattern period, then converted to <typeparamref name="T"/> (Avg divides in T, as the
/// library documents), so the check never uses the kernels it checks.
/// </summary>
internal sealed class ExpectedValues<T>
    where T : unmanaged
{
    private readonly CollectiveKind _kind;
    private readonly int _root;
    private readonly InputPattern _pattern;
    private readonly T[] _reducedPeriod;

    public ExpectedValues(CollectiveKind kind, ReduceOp op, int ranks, int root)
    {
        _kind = kind;
        _root = root;
        _pattern = new InputPattern(kind, op, ranks, DataTypes.Of<T>());
        _reducedPeriod = CollectiveNames.Reduces(kind) ? ReducePeriod(_pattern, op, ranks) : [];
    }

    /// <summary>What <paramref name="rank"/>'s input holds at <paramref name="index"/>.</summary>
    public T Input(int rank, long index) => ElementConvert.FromLong<T>(_pattern.Value(rank, index));

    /// <summary>Fills <paramref name="input"/> as <paramref name="rank"/>'s input, element 0 first.</summary>
    public void FillInput(int rank, Span<T> input)
    {
        // The pattern repeats every Period elements: compute one period, then double it by copying.
        int first = Math.Min(input.Length, InputPattern.Period);
        for (int i = 0; i < first; i++)
        {
            input[i] = Input(rank, i);
        }
        for (int filled = first; filled < input.Length;)
        {
            int n = Math.Min(filled, input.Length - filled);
            input[..n].CopyTo(input[filled..]);
            filled += n;
        }
    }

    /// <summary>What <paramref name="rank"/>'s output must hold at <paramref name="index"/> after the call.</summary>
    public T Output(int rank, long index, in CollectiveLayout layout)
    {
        int block = layout.BlockCount;
        return _kind switch
        {
            CollectiveKind.AllReduce or CollectiveKind.Reduce => Reduced(index),
            CollectiveKind.ReduceScatter => Reduced(((long)rank * block) + index),
            // Block j of the output is rank j's whole input.
            CollectiveKind.AllGather => Input((int)(index / block), index % block),
            CollectiveKind.Broadcast => Input(_root, index),
            // Block j of the output is block `rank` of rank j's input.
            CollectiveKind.AllToAll => Input((int)(index / block), ((long)rank * block) + (index % block)),
            _ => throw new InvalidOperationException($"no expected values for {_kind}"),
        };
    }

    private T Reduced(long index) => _reducedPeriod[(int)(index % InputPattern.Period)];

    private static T[] ReducePeriod(InputPattern pattern, ReduceOp op, int ranks)
    {
        var result = new T[InputPattern.Period];
        for (int i = 0; i < result.Length; i++)
        {
            long acc = pattern.Value(0, i);
            for (int rank = 1; rank < ranks; rank++)
            {
                long v = pattern.Value(rank, i);
                acc = op switch
                {
                    ReduceOp.Sum or ReduceOp.Avg => unchecked(acc + v),
                    ReduceOp.Prod => unchecked(acc * v),
                    ReduceOp.Min => Math.Min(acc, v),
                    ReduceOp.Max => Math.Max(acc, v),
                    ReduceOp.BitAnd => acc & v,
                    ReduceOp.BitOr => acc | v,
                    ReduceOp.BitXor => acc ^ v,
                    _ => throw new ArgumentOutOfRangeException(nameof(op), op, "not a defined ReduceOp"),
                };
            }
            // Integer sums wrap in T before Avg divides, as they do in the collective.
            T value = ElementConvert.FromLong<T>(acc);
            result[i] = op == ReduceOp.Avg ? ElementConvert.Divide(value, ranks) : value;
        }
        return result;
    }
}
