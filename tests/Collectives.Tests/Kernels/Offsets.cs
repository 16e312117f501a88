namespace Collectives.Tests.Kernels;

/// <summary>Byte offsets, from a 64-byte boundary, of the a, b, dst and copy buffers of one check.</summary>
public readonly record struct Offsets(int A, int B, int Dst, int Copy)
{
    /// <summary>
    /// Aligned; misaligned by whole elements (1, 2, 3 into a larger array, differently per buffer);
    /// and, for multi-byte types, misaligned within an element (only the byte-level API allows that).
    /// </summary>
    public static Offsets[] Variants(int elementSize)
    {
        var variants = new List<Offsets>
        {
            new(0, 0, 0, 0),
            new(1 * elementSize, 2 * elementSize, 3 * elementSize, 0),
            new(3 * elementSize, 0, 1 * elementSize, 2 * elementSize),
        };
        if (elementSize > 1)
        {
            variants.Add(new(1, 3, 5, 7));
        }

        return [.. variants];
    }
}
