using Collectives.Buffers;

namespace Collectives.Algorithms;

/// <summary>
/// Rabenseifner's all-reduce: recursive-halving reduce-scatter then recursive-doubling
/// all-gather, 2·log2 p steps among p = the largest power of two ≤ n. For other n, the first
/// 2(n−p) ranks pair up first: each even one hands its data to its odd neighbour and sits out,
/// then receives the finished result at the end. Each element is finished by one rank and
/// copied to the rest, so every rank ends with identical bits.
/// </summary>
internal static class HalvingDoublingAllReduce
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
        int es = c.ElementSize;
        long total = count * es;
        var fold = new PowerOfTwoFold(size, rank);
        int active = fold.Active;

        // Phases are stamped with distinct offset bases so a frame can never pass for another phase's.
        long foldBase = 0, halvingBase = total, doublingBase = 2 * total, unfoldBase = 3 * total;

        if (fold.SitsOut)
        {
            await c.SendChunkedAsync(fold.Neighbour, input, foldBase).ConfigureAwait(false);
            await c.ReceiveChunkedAsync(fold.Neighbour, output, unfoldBase).ConfigureAwait(false);
            return;
        }
        bool reduced = false;
        if (fold.Absorbs)
        {
            await c.ReceiveReduceChunkedAsync(fold.Neighbour, input, output, foldBase).ConfigureAwait(false);
            reduced = true;
        }
        int virtualRank = fold.VirtualRank;

        // Recursive halving: keep the half of the current block range that holds this rank's
        // final block, send the other half to the partner across the current bit.
        int low = 0, high = active;
        for (int mask = active >> 1; mask >= 1; mask >>= 1)
        {
            int partner = fold.RealRank(virtualRank ^ mask);
            int middle = (low + high) / 2;
            bool keepLow = (virtualRank & mask) == 0;
            (int sendOffset, int sendLength) = keepLow
                ? Partition.Bytes(count, active, middle, high, es)
                : Partition.Bytes(count, active, low, middle, es);
            (int keepOffset, int keepLength) = keepLow
                ? Partition.Bytes(count, active, low, middle, es)
                : Partition.Bytes(count, active, middle, high, es);
            ReadOnlyMemory<byte> source = reduced ? output : input;
            await c.SendReceiveAsync(partner, source.Slice(sendOffset, sendLength), halvingBase + sendOffset,
                partner, output.Slice(keepOffset, keepLength), halvingBase + keepOffset,
                reduce: true, local: source.Slice(keepOffset, keepLength)).ConfigureAwait(false);
            reduced = true;
            (low, high) = keepLow ? (low, middle) : (middle, high);
        }

        (int ownOffset, int ownLength) = Partition.Bytes(count, active, low, high, es);
        c.FinishAverage(output.Slice(ownOffset, ownLength));

        // Recursive doubling: swap finished ranges with the partner across each bit, low bit first.
        for (int mask = 1; mask < active; mask <<= 1)
        {
            int partner = fold.RealRank(virtualRank ^ mask);
            int width = high - low;
            (int partnerLow, int partnerHigh) = (virtualRank & mask) == 0 ? (high, high + width) : (low - width, low);
            (int sendOffset, int sendLength) = Partition.Bytes(count, active, low, high, es);
            (int receiveOffset, int receiveLength) = Partition.Bytes(count, active, partnerLow, partnerHigh, es);
            await c.SendReceiveAsync(partner, output.Slice(sendOffset, sendLength), doublingBase + sendOffset,
                partner, output.Slice(receiveOffset, receiveLength), doublingBase + receiveOffset).ConfigureAwait(false);
            (low, high) = (Math.Min(low, partnerLow), Math.Max(high, partnerHigh));
        }

        if (fold.Absorbs)
        {
            await c.SendChunkedAsync(fold.Neighbour, output, unfoldBase).ConfigureAwait(false);
        }
    }
}
