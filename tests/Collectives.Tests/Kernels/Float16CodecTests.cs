using System.Runtime.Intrinsics;
using Collectives.Kernels.Operators;
using Xunit;

namespace Collectives.Tests.Kernels;

/// <summary>
/// The vector Half and BFloat16 conversions agree bit for bit with the scalar ones (.NET's Half
/// casts, and BFloat16's operators) at every width.
/// </summary>
public sealed class Float16CodecTests
{
    [Fact]
    public void HalfWidening_MatchesDotNet_ForAllBitPatterns_AtEveryWidth()
    {
        uint[] lanes = new uint[16];
        for (int start = 0; start <= ushort.MaxValue; start += 16)
        {
            for (int k = 0; k < 16; k++)
            {
                // The element under test in the low half, a different one in the high half.
                lanes[k] = (uint)(start + k) | ((uint)(ushort.MaxValue - start - k) << 16);
            }

            Vector512<uint> v512 = Vector512.Create(lanes);
            CheckWiden(HalfCodec.WidenLow(v512).ToScalarArray(), HalfCodec.WidenHigh(v512).ToScalarArray(), lanes, 16);
            Vector256<uint> v256 = Vector256.Create(lanes);
            CheckWiden(HalfCodec.WidenLow(v256).ToScalarArray(), HalfCodec.WidenHigh(v256).ToScalarArray(), lanes, 8);
            Vector128<uint> v128 = Vector128.Create(lanes);
            CheckWiden(HalfCodec.WidenLow(v128).ToScalarArray(), HalfCodec.WidenHigh(v128).ToScalarArray(), lanes, 4);
        }
    }

    [Fact]
    public void Narrowing_MatchesScalar_ForBoundariesAndRandomFloats_AtEveryWidth()
    {
        List<uint> values = [];
        // Every Half and BFloat16 boundary: each representable value, the midpoints to its neighbour and one float ulp either side.
        for (uint h = 0; h < 0x7C00; h++)
        {
            uint lo = BitConverter.SingleToUInt32Bits((float)BitConverter.UInt16BitsToHalf((ushort)h));
            uint hi = BitConverter.SingleToUInt32Bits((float)BitConverter.UInt16BitsToHalf((ushort)(h + 1)));
            uint mid = lo + ((hi - lo) / 2);
            values.AddRange([lo, mid - 1, mid, mid + 1, lo | 0x8000_0000u, mid | 0x8000_0000u]);
        }

        for (uint b = 0; b < 0x7F80; b += 7)
        {
            uint mid = (b << 16) | 0x8000u;
            values.AddRange([b << 16, mid - 1, mid, mid + 1, mid | 0x8000_0000u]);
        }

        var random = new Random(11);
        for (int i = 0; i < 100_000; i++)
        {
            values.Add((uint)random.NextInt64(0, 1L << 32));
        }

        values.AddRange([0x7F80_0000, 0xFF80_0000, 0x7FC0_0000, 0x7F80_0001, 0x7FFF_FFFF, 0xFFFF_E001, 0x477F_F000, 0x477F_EFFF, 0x3880_0000, 0x387F_FFFF, 0x3300_0000, 0x3300_0001]);
        while (values.Count % 16 != 0)
        {
            values.Add(0);
        }

        float[] lanes = new float[16];
        for (int start = 0; start < values.Count; start += 16)
        {
            for (int k = 0; k < 16; k++)
            {
                lanes[k] = BitConverter.UInt32BitsToSingle(values[start + k]);
            }

            // low lanes = lanes, high lanes = the same floats reversed.
            float[] reversed = [.. lanes.Reverse()];
            CheckNarrow(HalfCodec.Narrow(Vector512.Create(lanes), Vector512.Create(reversed)).ToScalarArray(), lanes, reversed, 16, Half16);
            CheckNarrow(HalfCodec.Narrow(Vector256.Create(lanes), Vector256.Create(reversed)).ToScalarArray(), lanes, reversed, 8, Half16);
            CheckNarrow(HalfCodec.Narrow(Vector128.Create(lanes), Vector128.Create(reversed)).ToScalarArray(), lanes, reversed, 4, Half16);
            CheckNarrow(BFloat16Codec.Narrow(Vector512.Create(lanes), Vector512.Create(reversed)).ToScalarArray(), lanes, reversed, 16, BFloat16Bits);
            CheckNarrow(BFloat16Codec.Narrow(Vector256.Create(lanes), Vector256.Create(reversed)).ToScalarArray(), lanes, reversed, 8, BFloat16Bits);
            CheckNarrow(BFloat16Codec.Narrow(Vector128.Create(lanes), Vector128.Create(reversed)).ToScalarArray(), lanes, reversed, 4, BFloat16Bits);
        }
    }

    [Fact]
    public void BFloat16Widening_IsExact_AtEveryWidth()
    {
        uint[] lanes = new uint[16];
        for (int start = 0; start <= ushort.MaxValue; start += 16)
        {
            for (int k = 0; k < 16; k++)
            {
                lanes[k] = (uint)(start + k) | ((uint)(start + 15 - k) << 16);
            }

            Vector512<uint> v = Vector512.Create(lanes);
            float[] low = BFloat16Codec.WidenLow(v).ToScalarArray(), high = BFloat16Codec.WidenHigh(v).ToScalarArray();
            for (int k = 0; k < 16; k++)
            {
                Assert.Equal((lanes[k] & 0xFFFF) << 16, BitConverter.SingleToUInt32Bits(low[k]));
                Assert.Equal(lanes[k] & 0xFFFF_0000, BitConverter.SingleToUInt32Bits(high[k]));
            }
        }
    }

    private static ushort Half16(float value) => BitConverter.HalfToUInt16Bits((Half)value);

    private static ushort BFloat16Bits(float value) => ((BFloat16)value).RawValue;

    private static void CheckWiden(float[] low, float[] high, uint[] lanes, int count)
    {
        for (int k = 0; k < count; k++)
        {
            ushort lowBits = (ushort)lanes[k], highBits = (ushort)(lanes[k] >> 16);
            Assert.True(BitConverter.SingleToUInt32Bits((float)BitConverter.UInt16BitsToHalf(lowBits)) == BitConverter.SingleToUInt32Bits(low[k]),
                $"widening Half 0x{lowBits:X4} (low lane {k} of {count})");
            Assert.True(BitConverter.SingleToUInt32Bits((float)BitConverter.UInt16BitsToHalf(highBits)) == BitConverter.SingleToUInt32Bits(high[k]),
                $"widening Half 0x{highBits:X4} (high lane {k} of {count})");
        }
    }

    private static void CheckNarrow(uint[] packed, float[] low, float[] high, int count, Func<float, ushort> scalar)
    {
        for (int k = 0; k < count; k++)
        {
            uint expected = scalar(low[k]) | ((uint)scalar(high[k]) << 16);
            Assert.True(expected == packed[k],
                $"narrowing 0x{BitConverter.SingleToUInt32Bits(low[k]):X8} / 0x{BitConverter.SingleToUInt32Bits(high[k]):X8} (lane {k} of {count}): expected 0x{expected:X8}, got 0x{packed[k]:X8}");
        }
    }
}
