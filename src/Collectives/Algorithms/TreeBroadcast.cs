namespace Collectives.Algorithms;

/// <summary>
/// Pipelined binary-tree broadcast: each chunk goes from the root down a binary tree (depth
/// ⌊log2 n⌋); a node forwards chunk k to both children while its parent already sends k+1.
/// </summary>
internal static class TreeBroadcast
{
    public static async ValueTask RunAsync(CollectiveContext c, Memory<byte> buffer, int root)
    {
        if (c.Size == 1)
        {
            return;
        }
        var tree = new BinaryTree(c.Rank, c.Size, root);
        int chunks = c.ChunkCount(buffer.Length);
        for (int i = 0; i < chunks; i++)
        {
            (int start, int length) = c.Chunk(buffer.Length, i);
            Memory<byte> chunk = buffer.Slice(start, length);
            if (!tree.IsRoot)
            {
                await c.ReceiveCopyAsync(tree.Parent, chunk, start).ConfigureAwait(false);
            }
            if (tree.Left >= 0)
            {
                ValueTask left = c.SendAsync(tree.Left, chunk, start);
                if (tree.Right >= 0)
                {
                    await c.WhenBothAsync(left, c.SendAsync(tree.Right, chunk, start)).ConfigureAwait(false);
                }
                else
                {
                    await left.ConfigureAwait(false);
                }
            }
        }
    }
}
