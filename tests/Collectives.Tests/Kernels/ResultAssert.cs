using System.Buffers.Binary;
using Collectives.Kernels;
using Xunit;

namespace Collectives.Tests.Kernels;

/// <summary>Bit-level comparison of kernel results against the reference.</summary>
public static class ResultAssert
{
    /// <summary>
    /// Every element of <paramref name="actual"/> has exactly the bits of <paramref name="expected"/>,
    /// with one allowance: when both inputs are NaN and the op is arithmetic (Sum, Prod, Avg), any NaN
    /// is accepted, because x86 returns the first operand's payload and the JIT may commute a
    /// floating-point add or multiply. A single NaN input, and Min/Max, are still compared exactly.
    /// </summary>
    public static void Equal(DataType type, ReduceOp op, ReadOnlySpan<byte> a, ReadOnlySpan<byte> b,
        ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual, string context)
    {
        Assert.Equal(expected.Length, actual.Length);
        if (expected.SequenceEqual(actual))
        {
            return;
        }

        int size = DataTypes.SizeOf(type);
        int count = expected.Length / size;
        for (int i = 0; i < count; i++)
        {
            ReadOnlySpan<byte> e = expected.Slice(i * size, size), r = actual.Slice(i * size, size);
            if (e.SequenceEqual(r))
            {
                continue;
            }

            bool arithmetic = op is ReduceOp.Sum or ReduceOp.Prod or ReduceOp.Avg;
            if (arithmetic && IsNaN(type, a.Slice(i * size, size)) && IsNaN(type, b.Slice(i * size, size)) && IsNaN(type, r))
            {
                continue;
            }

            Assert.Fail($"{context}: {DataTypes.Name(type)} {op}, element {i} of {count}: " +
                $"a=0x{Hex(a.Slice(i * size, size))} b=0x{Hex(b.Slice(i * size, size))} expected 0x{Hex(e)} actual 0x{Hex(r)}");
        }
    }

    /// <summary>Every byte of <paramref name="guard"/> still holds <paramref name="pattern"/>.</summary>
    public static void Untouched(ReadOnlySpan<byte> guard, byte pattern, string context)
    {
        int index = guard.IndexOfAnyExcept(pattern);
        if (index >= 0)
        {
            Assert.Fail($"{context}: guard byte {index} was overwritten (0x{guard[index]:X2}); the kernel wrote outside its buffer.");
        }
    }

    public static bool IsNaN(DataType type, ReadOnlySpan<byte> element) => type switch
    {
        DataType.Float32 => float.IsNaN(BinaryPrimitives.ReadSingleLittleEndian(element)),
        DataType.Float64 => double.IsNaN(BinaryPrimitives.ReadDoubleLittleEndian(element)),
        DataType.Float16 => Half.IsNaN(BinaryPrimitives.ReadHalfLittleEndian(element)),
        DataType.BFloat16 => BFloat16.IsNaN(BFloat16.FromBits(BinaryPrimitives.ReadUInt16LittleEndian(element))),
        _ => false,
    };

    private static string Hex(ReadOnlySpan<byte> littleEndian)
    {
        Span<byte> bigEndian = stackalloc byte[littleEndian.Length];
        littleEndian.CopyTo(bigEndian);
        bigEndian.Reverse();
        return Convert.ToHexString(bigEndian);
    }
}
