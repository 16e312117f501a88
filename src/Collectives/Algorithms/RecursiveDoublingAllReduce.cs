using Collectives.Buffers;
using Collectives.Kernels;

namespace Collectives.Algorithms;

/// <summary>
/// Recursive-doubling all-reduce: log2 p steps among p = the largest power of two ≤ n; in step
/// k each rank swaps its whole partial result with the partner across bit k and combines the
/// two. The fewest round trips of any all-reduce (one for two ranks, where the ring takes two),
/// at the price of moving the whole buffer every step: the algorithm for latency-bound sizes.
/// For other n the first 2(n−p) ranks fold pairwise first, as in halving-doubling.
/// Determinism: both partners compute (lower rank's partial) op (higher rank's partial), so
/// every rank of a group holds identical bits after every step, NaN payloads included.
/// </summary>
internal static class RecursiveDoublingAllReduce
{
    public static async ValueTask RunAsync(CollectiveContext c, ReadOnlyMemory<byte> input, Memory<byte> output, long count)
    {
        int size = c.Size;
        int rank = c.Rank;
        if (size == 1)
        {
            BulkCopy.Copy(input.Span, output.Span);
            return;
        }
        int total = checked((int)(count * c.ElementSize));
        var fold = new PowerOfTwoFold(size, rank);
        // The partner's partial lands here first: a zero-copy transport may still be reading
        // this rank's output (the partner's incoming) until the exchange completes.
        Memory<byte> incoming = c.Scratch.Get(0, total);

        // Phases are stamped with distinct offset bases so a frame can never pass for another phase's.
        long foldBase = 0, unfoldBase = total, stepBase = 2L * total;

        ReadOnlyMemory<byte> partial = input;
        if (fold.SitsOut)
        {
            await c.SendChunkedAsync(fold.Neighbour, input, foldBase).ConfigureAwait(false);
            await c.ReceiveChunkedAsync(fold.Neighbour, output, unfoldBase).ConfigureAwait(false);
            return;
        }
        if (fold.Absorbs)
        {
            // The neighbour sitting out is the lower rank: its data goes first.
            await c.ReceiveChunkedAsync(fold.Neighbour, incoming, foldBase).ConfigureAwait(false);
            ReductionKernels.Reduce(c.DataType, c.Op, incoming.Span, input.Span, output.Span);
            partial = output;
        }
        int virtualRank = fold.VirtualRank;

        int step = 0;
        for (int mask = 1; mask < fold.Active; mask <<= 1, step++)
        {
            int partnerVirtual = virtualRank ^ mask;
            int partner = fold.RealRank(partnerVirtual);
            long offset = stepBase + ((long)step * total);
            await c.SendReceiveAsync(partner, partial, offset, partner, incoming, offset).ConfigureAwait(false);
            if (virtualRank < partnerVirtual)
            {
                ReductionKernels.Reduce(c.DataType, c.Op, partial.Span, incoming.Span, output.Span);
            }
            else
            {
                ReductionKernels.Reduce(c.DataType, c.Op, incoming.Span, partial.Span, output.Span);
            }
            partial = output;
        }
        c.FinishAverage(output[..total]);

        if (fold.Absorbs)
        {
            await c.SendChunkedAsync(fold.Neighbour, output, unfoldBase).ConfigureAwait(false);
        }
    }
}
