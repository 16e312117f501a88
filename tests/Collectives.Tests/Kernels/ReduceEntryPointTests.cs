using System.Collections.Concurrent;
using Collectives.Kernels;
using Xunit;

namespace Collectives.Tests.Kernels;

/// <summary>
/// Every type × every valid op × every length 0..257 × aligned and misaligned starts, through
/// every entry point, against the scalar reference (bit-identical), with guard bytes checked.
/// Lengths up to 257 cross every vector width's boundaries (a 512-bit vector holds 64 bytes), so
/// the scalar path, each vector width, the unrolled loop and the overlapping tail all run.
/// </summary>
public sealed class ReduceEntryPointTests
{
    private const int MaxLength = 257;
    private const int LargeLength = 1 << 20;

    // Generating 2 Mi random elements costs more than checking them; every op of a type shares one pair (read-only).
    private static readonly ConcurrentDictionary<DataType, (byte[] A, byte[] B)> LargeInputs = new();

    [Theory]
    [MemberData(nameof(KernelCases.ValidTypeOps), MemberType = typeof(KernelCases))]
    public void EveryEntryPoint_MatchesReference_ForLengthsUpTo257(DataType type, ReduceOp op)
    {
        var random = new Random(Seed(type, op));
        int size = DataTypes.SizeOf(type);
        var checker = new EntryPointChecker(type, op, (MaxLength * size) + 64);
        foreach (Offsets offsets in Offsets.Variants(size))
        {
            for (int length = 0; length <= MaxLength; length++)
            {
                byte[] a = TestData.Create(type, length, random), b = TestData.Create(type, length, random);
                checker.CheckAll(a, b, offsets, $"length {length}, offsets {offsets}");
            }
        }
    }

    /// <summary>
    /// Lengths past the alignment threshold with the destination at every byte offset within a
    /// cache line, so the aligned main loop starts at each possible element.
    /// </summary>
    [Theory]
    [MemberData(nameof(KernelCases.ValidTypeOps), MemberType = typeof(KernelCases))]
    public void AlignedMainLoop_MatchesReference_ForEveryDestinationOffset(DataType type, ReduceOp op)
    {
        var random = new Random(Seed(type, op) + 1);
        int size = DataTypes.SizeOf(type);
        int[] lengths = [(4096 / size) + 3, (5000 / size) + 1];
        var checker = new EntryPointChecker(type, op, (lengths.Max() * size) + 128);
        foreach (int length in lengths)
        {
            foreach (int dstOffset in DestinationOffsets(size))
            {
                byte[] a = TestData.Create(type, length, random), b = TestData.Create(type, length, random);
                checker.CheckAll(a, b, new Offsets(size * 3, size, dstOffset, 64 - dstOffset), $"length {length}, dst offset {dstOffset}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(KernelCases.ValidTypeOps), MemberType = typeof(KernelCases))]
    public void OneMebiElements_MatchReference(DataType type, ReduceOp op)
    {
        int size = DataTypes.SizeOf(type);
        var checker = new EntryPointChecker(type, op, (LargeLength * size) + 64);
        (byte[] a, byte[] b) = LargeInputs.GetOrAdd(type, t => (TestData.Create(t, LargeLength, new Random(3 * (int)t)), TestData.Create(t, LargeLength, new Random((3 * (int)t) + 1))));
        checker.CheckAll(a, b, new Offsets(size, 2 * size, 3 * size, 0), $"length {LargeLength}", everyAliasing: false);
    }

    // Every element-aligned offset within a cache line, plus two that split an element.
    private static IEnumerable<int> DestinationOffsets(int size)
    {
        for (int offset = 0; offset < 64; offset += size)
        {
            yield return offset;
        }

        if (size > 1)
        {
            yield return 1;
            yield return 3;
        }
    }

    internal static int Seed(DataType type, ReduceOp op) => (1000 * (int)type) + (int)op;
}
