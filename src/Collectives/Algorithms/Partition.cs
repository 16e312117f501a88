namespace Collectives.Algorithms;

/// <summary>
/// Splits <c>count</c> elements into <c>parts</c> contiguous blocks whose sizes differ by at
/// most one element, the same way on every rank.
/// </summary>
internal static class Partition
{
    /// <summary>First element of block <paramref name="index"/> (index == parts gives count).</summary>
    public static long Start(long count, int parts, int index) => count * index / parts;

    /// <summary>Byte range of block <paramref name="index"/> for elements of <paramref name="elementSize"/> bytes.</summary>
    public static (int Offset, int Length) Bytes(long count, int parts, int index, int elementSize)
    {
        long start = Start(count, parts, index);
        long end = Start(count, parts, index + 1);
        return ((int)(start * elementSize), (int)((end - start) * elementSize));
    }

    /// <summary>Byte range covering blocks [<paramref name="first"/>, <paramref name="end"/>).</summary>
    public static (int Offset, int Length) Bytes(long count, int parts, int first, int end, int elementSize)
    {
        long start = Start(count, parts, first);
        long stop = Start(count, parts, end);
        return ((int)(start * elementSize), (int)((stop - start) * elementSize));
    }

    /// <summary><paramref name="value"/> modulo <paramref name="size"/>, always in [0, size).</summary>
    public static int Mod(int value, int size)
    {
        int r = value % size;
        return r < 0 ? r + size : r;
    }
}
