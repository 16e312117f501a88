namespace Collectives.Algorithms;

/// <summary>
/// A binary tree over ranks renumbered relative to a root (relative rank 0 is the root):
/// node v has children 2v+1 and 2v+2 and parent (v−1)/2. Depth is ⌊log2 n⌋.
/// </summary>
internal readonly struct BinaryTree
{
    private readonly int _root;
    private readonly int _size;
    private readonly int _relative;

    public BinaryTree(int rank, int size, int root)
    {
        _root = root;
        _size = size;
        _relative = Partition.Mod(rank - root, size);
    }

    public bool IsRoot => _relative == 0;

    /// <summary>The parent's real rank, or -1 at the root.</summary>
    public int Parent => _relative == 0 ? -1 : Real((_relative - 1) / 2);

    /// <summary>The first child's real rank, or -1.</summary>
    public int Left => 2 * _relative + 1 < _size ? Real(2 * _relative + 1) : -1;

    /// <summary>The second child's real rank, or -1.</summary>
    public int Right => 2 * _relative + 2 < _size ? Real(2 * _relative + 2) : -1;

    private int Real(int relative) => (relative + _root) % _size;
}
