using System.Buffers.Binary;
using Collectives.Kernels;

namespace Collectives.Tests.Kernels;

/// <summary>
/// Seeded random element data. Float types mix ordinary values (so rounding happens), arbitrary
/// bit patterns, and the special values every kernel must get right: NaNs with payloads (quiet and
/// signaling, both signs), ±0, ±infinity, subnormals and the largest finite values. Integers are
/// arbitrary bits, so sums and products wrap.
/// </summary>
public static class TestData
{
    private static readonly uint[] SpecialSingles =
    [
        0x7FC0_0000, 0xFFC0_0000, 0x7FC1_2345, 0xFFAB_CDEF, 0x7F80_0001, 0xFF80_0001, 0x7F80_8000, 0x7FFF_FFFF,
        0x0000_0000, 0x8000_0000, 0x7F80_0000, 0xFF80_0000, 0x0000_0001, 0x8000_0001, 0x007F_FFFF, 0x0040_0000,
        0x7F7F_FFFF, 0xFF7F_FFFF, 0x0080_0000, 0x3F80_0000, 0xBF80_0000, 0x477F_F000, 0x3880_0000, 0x3380_0000,
    ];

    private static readonly ulong[] SpecialDoubles =
    [
        0x7FF8_0000_0000_0000, 0xFFF8_0000_0000_0000, 0x7FF8_0000_1234_5678, 0x7FF0_0000_0000_0001, 0xFFF0_0000_0000_0001,
        0x0000_0000_0000_0000, 0x8000_0000_0000_0000, 0x7FF0_0000_0000_0000, 0xFFF0_0000_0000_0000,
        0x0000_0000_0000_0001, 0x800F_FFFF_FFFF_FFFF, 0x7FEF_FFFF_FFFF_FFFF, 0xFFEF_FFFF_FFFF_FFFF, 0x3FF0_0000_0000_0000,
    ];

    private static readonly ushort[] Special16 =
    [
        0x7E00, 0xFE00, 0x7C01, 0xFC01, 0x7FFF, 0x7F80, 0xFF80, 0x7FC0, 0xFFC1, 0x7F81,
        0x0000, 0x8000, 0x7C00, 0xFC00, 0x0001, 0x8001, 0x03FF, 0x007F, 0x7BFF, 0x7F7F, 0xFF7F, 0x3C00, 0x3F80,
    ];

    /// <summary>Fills <paramref name="bytes"/> with whole elements of <paramref name="type"/>.</summary>
    public static void Fill(DataType type, Span<byte> bytes, Random random)
    {
        int size = DataTypes.SizeOf(type);
        for (int i = 0; i + size <= bytes.Length; i += size)
        {
            Span<byte> e = bytes.Slice(i, size);
            switch (type)
            {
                case DataType.Float32:
                    BinaryPrimitives.WriteUInt32LittleEndian(e, NextSingleBits(random));
                    break;
                case DataType.Float64:
                    BinaryPrimitives.WriteUInt64LittleEndian(e, NextDoubleBits(random));
                    break;
                case DataType.Float16:
                    BinaryPrimitives.WriteUInt16LittleEndian(e, Next16Bits(random, v => BitConverter.HalfToUInt16Bits((Half)v)));
                    break;
                case DataType.BFloat16:
                    BinaryPrimitives.WriteUInt16LittleEndian(e, Next16Bits(random, v => ((BFloat16)v).RawValue));
                    break;
                default:
                    random.NextBytes(e);
                    break;
            }
        }
    }

    /// <summary>A fresh array of <paramref name="count"/> random elements.</summary>
    public static byte[] Create(DataType type, int count, Random random)
    {
        var bytes = new byte[count * DataTypes.SizeOf(type)];
        Fill(type, bytes, random);
        return bytes;
    }

    private static uint NextSingleBits(Random random) => random.Next(16) switch
    {
        0 => SpecialSingles[random.Next(SpecialSingles.Length)],
        1 or 2 => (uint)random.NextInt64(0, 1L << 32),
        3 => (uint)random.Next(0x0080_0000) | (random.Next(2) == 0 ? 0 : 0x8000_0000), // subnormal
        _ => BitConverter.SingleToUInt32Bits((float)((random.NextDouble() * 200) - 100)),
    };

    private static ulong NextDoubleBits(Random random) => random.Next(16) switch
    {
        0 => SpecialDoubles[random.Next(SpecialDoubles.Length)],
        1 or 2 => (ulong)random.NextInt64() ^ ((ulong)random.Next(2) << 63),
        3 => (ulong)random.NextInt64(0, 1L << 52) | ((ulong)random.Next(2) << 63), // subnormal
        _ => BitConverter.DoubleToUInt64Bits((random.NextDouble() * 200) - 100),
    };

    private static ushort Next16Bits(Random random, Func<float, ushort> narrow) => random.Next(16) switch
    {
        0 => Special16[random.Next(Special16.Length)],
        1 or 2 or 3 => (ushort)random.Next(0x1_0000),
        _ => narrow((float)((random.NextDouble() * 200) - 100)),
    };
}
