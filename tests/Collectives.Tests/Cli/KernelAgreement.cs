using System.Runtime.InteropServices;
using Collectives.Cli.Perf;
using Collectives.Kernels;
using Collectives.Tests.Harness;

namespace Collectives.Tests.Cli;

/// <summary>
/// Reduces every rank's perf input with the library's kernels, serially, in rank order and in
/// reverse, and compares with <see cref="ExpectedValues{T}"/> bit for bit. Agreement in both
/// orders shows the patterns are exact (no rounding) and the expectation follows the kernels'
/// documented semantics (Avg, wrapping, Half/BFloat16 rounding), so a #wrong is a real error.
/// </summary>
internal static class KernelAgreement
{
    public static void Check<T>(ReduceOp op, int ranks)
        where T : unmanaged
    {
        int count = InputPattern.Period + 37;
        var expected = new ExpectedValues<T>(CollectiveKind.AllReduce, op, ranks, root: 0);
        CollectiveLayout layout = CollectiveLayout.For(CollectiveKind.AllReduce, (long)count * DataTypes.SizeOf(DataTypes.Of<T>()), ranks,
            DataTypes.SizeOf(DataTypes.Of<T>()));
        T[][] inputs = Enumerable.Range(0, ranks).Select(rank =>
        {
            var input = new T[count];
            expected.FillInput(rank, input);
            return input;
        }).ToArray();

        foreach (IEnumerable<int> order in new[] { Enumerable.Range(0, ranks), Enumerable.Range(0, ranks).Reverse() })
        {
            int[] ranksInOrder = order.ToArray();
            T[] acc = (T[])inputs[ranksInOrder[0]].Clone();
            foreach (int rank in ranksInOrder.Skip(1))
            {
                ReductionKernels.Reduce<T>(op, inputs[rank], acc);
            }
            if (op == ReduceOp.Avg)
            {
                ReductionKernels.Divide(DataTypes.Of<T>(), MemoryMarshal.AsBytes(acc.AsSpan()), ranks);
            }
            var want = new T[count];
            for (int i = 0; i < count; i++)
            {
                want[i] = expected.Output(0, i, layout);
            }
            ElementType.AssertBitsEqual<T>(acc, want, $"{typeof(T).Name} {op} over {ranks} ranks");
            Assert.Equal(0, ResultChecker.CountWrong(expected, 0, layout, acc));
        }
    }
}
