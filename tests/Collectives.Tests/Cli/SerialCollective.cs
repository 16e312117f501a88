using Collectives.Cli.Perf;
using Collectives.Kernels;

namespace Collectives.Tests.Cli;

/// <summary>
/// What a correct collective leaves in a rank's output, built by moving the perf inputs around
/// serially: the checker must find nothing wrong in it, and exactly the damage done to it.
/// </summary>
internal static class SerialCollective
{
    public static T[] Output<T>(ExpectedValues<T> expected, int rank, CollectiveLayout layout)
        where T : unmanaged
    {
        int ranks = layout.Ranks;
        int block = layout.BlockCount;
        T[][] inputs = Enumerable.Range(0, ranks).Select(r =>
        {
            var input = new T[layout.SendCount];
            expected.FillInput(r, input);
            return input;
        }).ToArray();
        var output = new T[layout.ReceiveCount];
        switch (layout.Kind)
        {
            case CollectiveKind.AllGather:
                for (int r = 0; r < ranks; r++)
                {
                    inputs[r].CopyTo(output, r * block);
                }
                break;
            case CollectiveKind.AllToAll:
                for (int r = 0; r < ranks; r++)
                {
                    inputs[r].AsSpan(rank * block, block).CopyTo(output.AsSpan(r * block));
                }
                break;
            case CollectiveKind.Broadcast:
                // The root's buffer is its input: the pattern of the root (the last rank in these tests).
                inputs[ranks - 1].CopyTo(output, 0);
                break;
            default:
                // Reductions: the kernels' sum, in rank order (KernelAgreement shows any order gives the same bits).
                T[] acc = (T[])inputs[0].Clone();
                for (int r = 1; r < ranks; r++)
                {
                    ReductionKernels.Reduce<T>(ReduceOp.Sum, inputs[r], acc);
                }
                int offset = layout.Kind == CollectiveKind.ReduceScatter ? rank * block : 0;
                acc.AsSpan(offset, layout.ReceiveCount).CopyTo(output);
                break;
        }
        return output;
    }
}
