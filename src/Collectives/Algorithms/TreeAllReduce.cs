using Collectives.Buffers;

namespace Collectives.Algorithms;

/// <summary>
/// Pipelined binary-tree all-reduce for latency-bound sizes: chunks flow up the tree to rank 0,
/// each node folding in its children (left, then right, always in that order), and the finished
/// chunks flow back down. The up and down waves run at once, so chunk k can travel down while
/// chunk k+1 is still on its way up. Depth is ⌊log2 n⌋ in each direction.
/// </summary>
internal static class TreeAllReduce
{
    public static async ValueTask RunAsync(CollectiveContext c, ReadOnlyMemory<byte> input, Memory<byte> output, long count)
    {
        if (c.Size == 1)
        {
            BulkCopy.Copy(input.Span, output.Span);
            return;
        }
        var tree = new BinaryTree(c.Rank, c.Size, root: 0);
        int total = (int)(count * c.ElementSize);
        if (tree.IsRoot)
        {
            await RootAsync(c, tree, input, output, total).ConfigureAwait(false);
        }
        else
        {
            await c.WhenBothAsync(UpAsync(c, tree, input, output, total), DownAsync(c, tree, output, total)).ConfigureAwait(false);
        }
    }

    private static async ValueTask RootAsync(CollectiveContext c, BinaryTree tree, ReadOnlyMemory<byte> input, Memory<byte> output, int total)
    {
        int chunks = c.ChunkCount(total);
        for (int i = 0; i < chunks; i++)
        {
            (int start, int length) = c.Chunk(total, i);
            Memory<byte> chunk = output.Slice(start, length);
            await ReduceChildrenAsync(c, tree, input.Slice(start, length), chunk, start).ConfigureAwait(false);
            c.FinishAverage(chunk);
            await SendToChildrenAsync(c, tree, chunk, total + start).ConfigureAwait(false);
        }
    }

    private static async ValueTask UpAsync(CollectiveContext c, BinaryTree tree, ReadOnlyMemory<byte> input, Memory<byte> output, int total)
    {
        int chunks = c.ChunkCount(total);
        for (int i = 0; i < chunks; i++)
        {
            (int start, int length) = c.Chunk(total, i);
            ReadOnlyMemory<byte> partial = input.Slice(start, length);
            if (tree.Left >= 0)
            {
                Memory<byte> chunk = output.Slice(start, length);
                await ReduceChildrenAsync(c, tree, partial, chunk, start).ConfigureAwait(false);
                partial = chunk;
            }
            await c.SendAsync(tree.Parent, partial, start).ConfigureAwait(false);
        }
    }

    private static async ValueTask DownAsync(CollectiveContext c, BinaryTree tree, Memory<byte> output, int total)
    {
        int chunks = c.ChunkCount(total);
        for (int i = 0; i < chunks; i++)
        {
            (int start, int length) = c.Chunk(total, i);
            Memory<byte> chunk = output.Slice(start, length);
            await c.ReceiveCopyAsync(tree.Parent, chunk, total + start).ConfigureAwait(false);
            await SendToChildrenAsync(c, tree, chunk, total + start).ConfigureAwait(false);
        }
    }

    /// <summary>destination = own op left op right, in that fixed order.</summary>
    private static async ValueTask ReduceChildrenAsync(CollectiveContext c, BinaryTree tree, ReadOnlyMemory<byte> own,
        Memory<byte> destination, long offset)
    {
        if (tree.Left < 0)
        {
            BulkCopy.Copy(own.Span, destination.Span);
            return;
        }
        await c.ReceiveReduceAsync(tree.Left, own, destination, offset).ConfigureAwait(false);
        if (tree.Right >= 0)
        {
            await c.ReceiveReduceAsync(tree.Right, destination, destination, offset).ConfigureAwait(false);
        }
    }

    private static ValueTask SendToChildrenAsync(CollectiveContext c, BinaryTree tree, ReadOnlyMemory<byte> chunk, long offset)
    {
        if (tree.Left < 0)
        {
            return ValueTask.CompletedTask;
        }
        ValueTask left = c.SendAsync(tree.Left, chunk, offset);
        return tree.Right < 0 ? left : c.WhenBothAsync(left, c.SendAsync(tree.Right, chunk, offset));
    }
}
