using Collectives.Buffers;

namespace Collectives.Algorithms;

/// <summary>
/// Pipelined binary-tree reduce to a root: each chunk is folded on its way up (own, then left
/// child, then right child); the root applies Avg's division. Inner nodes keep their partial
/// chunk in scratch, since the caller's input is read-only and their output is not theirs to use.
/// </summary>
internal static class TreeReduce
{
    public static async ValueTask RunAsync(CollectiveContext c, ReadOnlyMemory<byte> input, Memory<byte> output, int root, long count)
    {
        int total = (int)(count * c.ElementSize);
        if (c.Size == 1)
        {
            BulkCopy.Copy(input.Span, output.Span);
            return;
        }
        var tree = new BinaryTree(c.Rank, c.Size, root);
        Memory<byte> partial = tree.IsRoot || tree.Left < 0 ? default : c.Scratch.Get(0, Math.Min(c.ChunkBytes, total));
        int chunks = c.ChunkCount(total);
        for (int i = 0; i < chunks; i++)
        {
            (int start, int length) = c.Chunk(total, i);
            ReadOnlyMemory<byte> own = input.Slice(start, length);
            if (tree.Left < 0)
            {
                await c.SendAsync(tree.Parent, own, start).ConfigureAwait(false);
                continue;
            }
            Memory<byte> destination = tree.IsRoot ? output.Slice(start, length) : partial[..length];
            await c.ReceiveReduceAsync(tree.Left, own, destination, start).ConfigureAwait(false);
            if (tree.Right >= 0)
            {
                await c.ReceiveReduceAsync(tree.Right, destination, destination, start).ConfigureAwait(false);
            }
            if (tree.IsRoot)
            {
                c.FinishAverage(destination);
            }
            else
            {
                await c.SendAsync(tree.Parent, destination, start).ConfigureAwait(false);
            }
        }
    }
}
