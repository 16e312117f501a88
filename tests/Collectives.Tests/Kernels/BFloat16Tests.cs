using System.Globalization;
using System.Runtime.CompilerServices;
using FsCheck.Xunit;
using Xunit;

namespace Collectives.Tests.Kernels;

/// <summary>BFloat16 conversions: exact widening, round-to-nearest-even narrowing, NaN and overflow rules.</summary>
public sealed class BFloat16Tests
{
    [Fact]
    public void IsTwoBytes() => Assert.Equal(2, Unsafe.SizeOf<BFloat16>());

    [Fact]
    public void Widening_IsTheUpperHalfOfAFloat_ForAllBitPatterns()
    {
        for (int bits = 0; bits <= ushort.MaxValue; bits++)
        {
            Assert.Equal((uint)bits << 16, BitConverter.SingleToUInt32Bits((float)BFloat16.FromBits((ushort)bits)));
        }
    }

    [Fact]
    public void RoundTrip_ThroughFloat_IsIdentity_ForEveryNonNaN_AndKeepsNaNsNaN()
    {
        for (int bits = 0; bits <= ushort.MaxValue; bits++)
        {
            BFloat16 value = BFloat16.FromBits((ushort)bits);
            ushort back = ((BFloat16)(float)value).RawValue;
            if (BFloat16.IsNaN(value))
            {
                // Sign and payload kept, quiet bit set.
                Assert.Equal((ushort)(bits | 0x0040), back);
            }
            else
            {
                Assert.Equal((ushort)bits, back);
            }
        }
    }

    [Theory]
    [InlineData(0x3F80_8000u, 0x3F80)] // 1 + half ulp: tie, 0x3F80 is even, rounds down
    [InlineData(0x3F81_8000u, 0x3F82)] // tie, 0x3F81 is odd, rounds up to even
    [InlineData(0x3F80_8001u, 0x3F81)] // just above the tie
    [InlineData(0x3F80_7FFFu, 0x3F80)] // just below the tie
    [InlineData(0xBF81_8000u, 0xBF82)] // negative tie rounds to even magnitude
    [InlineData(0xBF80_8000u, 0xBF80)]
    [InlineData(0x3FFF_8000u, 0x4000)] // tie whose carry crosses into the next exponent
    [InlineData(0x0000_0000u, 0x0000)] // +0
    [InlineData(0x8000_0000u, 0x8000)] // -0 keeps its sign
    [InlineData(0x0000_0001u, 0x0000)] // tiny subnormal rounds to zero
    [InlineData(0x8000_0001u, 0x8000)] // ... to negative zero
    [InlineData(0x0000_8000u, 0x0000)] // subnormal tie, even stays
    [InlineData(0x0001_8000u, 0x0002)] // subnormal tie, odd rounds up
    [InlineData(0x0001_0000u, 0x0001)] // smallest bfloat16 subnormal, exact
    [InlineData(0x007F_FFFFu, 0x0080)] // largest float subnormal rounds up to the smallest normal
    [InlineData(0x7F80_0000u, 0x7F80)] // +inf
    [InlineData(0xFF80_0000u, 0xFF80)] // -inf
    [InlineData(0x7F7F_0000u, 0x7F7F)] // max finite, exact
    [InlineData(0x7F7F_7FFFu, 0x7F7F)] // just below the overflow midpoint stays finite
    [InlineData(0x7F7F_8000u, 0x7F80)] // the midpoint rounds to even, which is infinity
    [InlineData(0x7F7F_FFFFu, 0x7F80)] // float.MaxValue overflows to +inf
    [InlineData(0xFF7F_FFFFu, 0xFF80)] // float.MinValue overflows to -inf
    [InlineData(0x7FC0_0000u, 0x7FC0)] // quiet NaN
    [InlineData(0xFFC0_0000u, 0xFFC0)] // negative quiet NaN keeps its sign
    [InlineData(0x7F80_0001u, 0x7FC0)] // payload only in dropped bits: must not become inf
    [InlineData(0x7F80_FFFFu, 0x7FC0)] // ... nor round up into the exponent
    [InlineData(0x7FFF_FFFFu, 0x7FFF)] // naive rounding would carry into the sign bit
    [InlineData(0xFFFF_FFFFu, 0xFFFF)]
    [InlineData(0xFF80_0001u, 0xFFC0)] // negative signaling NaN: quieted, sign kept
    [InlineData(0x7FA1_2345u, 0x7FE1)] // signaling NaN with payload: upper payload kept, quieted
    public void Narrowing_RoundsToNearestEven_WithNaNAndOverflowRules(uint floatBits, int expected)
    {
        BFloat16 value = (BFloat16)BitConverter.UInt32BitsToSingle(floatBits);
        Assert.Equal((ushort)expected, value.RawValue);
    }

    [Fact]
    public void Narrowing_MatchesIndependentReference_OnASeededSweep()
    {
        var random = new Random(2024);
        for (int i = 0; i < 500_000; i++)
        {
            uint bits = (uint)random.NextInt64(0, 1L << 32);
            float value = BitConverter.UInt32BitsToSingle(bits);
            if (float.IsNaN(value))
            {
                Assert.True(BFloat16.IsNaN((BFloat16)value));
                continue;
            }

            Assert.Equal(ReferenceRound(bits), ((BFloat16)value).RawValue);
        }
    }

    [Property(MaxTest = 5000)]
    public bool Narrowing_PicksTheNearerNeighbour(float value) =>
        float.IsNaN(value)
            ? BFloat16.IsNaN((BFloat16)value)
            : ((BFloat16)value).RawValue == ReferenceRound(BitConverter.SingleToUInt32Bits(value));

    [Fact]
    public void Constants_HaveTheirDocumentedValues()
    {
        Assert.Equal(3.3895313892515355e38, (double)BFloat16.MaxValue);
        Assert.Equal(-3.3895313892515355e38, (double)BFloat16.MinValue);
        Assert.Equal(Math.Pow(2, -133), (double)BFloat16.Epsilon);
        Assert.True(BFloat16.IsSubnormal(BFloat16.Epsilon));
        Assert.True(BFloat16.IsNaN(BFloat16.NaN));
        Assert.True(BFloat16.IsPositiveInfinity(BFloat16.PositiveInfinity));
        Assert.True(BFloat16.IsNegativeInfinity(BFloat16.NegativeInfinity));
        Assert.True(BFloat16.IsInfinity(BFloat16.NegativeInfinity));
        Assert.False(BFloat16.IsFinite(BFloat16.NaN));
        Assert.True(BFloat16.IsFinite(BFloat16.MaxValue));
        Assert.True(BFloat16.IsNegative((BFloat16)(-0f)));
        Assert.Equal(1f, (float)BFloat16.One);
        Assert.Equal(0f, (float)BFloat16.Zero);
    }

    [Fact]
    public void Equality_And_Ordering_FollowFloat()
    {
        BFloat16 nan = BFloat16.NaN, otherNaN = BFloat16.FromBits(0xFFC1);
        BFloat16 plusZero = BFloat16.Zero, minusZero = (BFloat16)(-0f);

        BFloat16 sameNaN = nan;
        Assert.False(nan == sameNaN);
        Assert.True(nan != sameNaN);
        Assert.False(nan < BFloat16.One || nan > BFloat16.One || nan <= sameNaN || nan >= sameNaN);
        Assert.True(nan.Equals(otherNaN));
        Assert.Equal(nan.GetHashCode(), otherNaN.GetHashCode());
        Assert.Equal(0, nan.CompareTo(otherNaN));
        Assert.True(nan.CompareTo(BFloat16.NegativeInfinity) < 0);

        Assert.True(plusZero == minusZero);
        Assert.True(plusZero.Equals(minusZero));
        Assert.Equal(plusZero.GetHashCode(), minusZero.GetHashCode());
        Assert.True(BFloat16.One > plusZero && plusZero < BFloat16.One && BFloat16.One >= BFloat16.One);
        Assert.True(BFloat16.One.CompareTo((object?)null) > 0);
        Assert.Throws<ArgumentException>(() => BFloat16.One.CompareTo("1"));
    }

    [Fact]
    public void Arithmetic_ComputesInFloat_AndRoundsOnce()
    {
        BFloat16 one = BFloat16.One, halfUlp = (BFloat16)(1f / 256f);
        Assert.Equal(0x3F80, (one + halfUlp).RawValue); // 1 + 2^-8 is a tie: to even
        Assert.Equal(0x3F81, (one + (BFloat16)(3f / 512f)).RawValue); // 1 + 1.5 * 2^-8: rounds up to 1 + 2^-7
        Assert.Equal((BFloat16)(3f * 7f), (BFloat16)3f * (BFloat16)7f);
        Assert.Equal((BFloat16)(1f / 3f), BFloat16.One / (BFloat16)3f);
        Assert.Equal((BFloat16)(-1f), BFloat16.Zero - BFloat16.One);
        Assert.Equal(0xBF80, (-BFloat16.One).RawValue);
        Assert.Equal(0x7FC0, (-BFloat16.FromBits(0xFFC0)).RawValue);
        Assert.Equal(BFloat16.One, +BFloat16.One);
    }

    [Fact]
    public void FromDouble_GoesThroughFloat()
    {
        Assert.Equal(0x3F80, ((BFloat16)1.0).RawValue);
        Assert.Equal(0x7F80, ((BFloat16)1e300).RawValue);
        Assert.True(BFloat16.IsNaN((BFloat16)double.NaN));
        Assert.Equal(1.5, (double)(BFloat16)1.5);
    }

    [Fact]
    public void Formats_ThroughFloat()
    {
        Assert.Equal("1.5", ((BFloat16)1.5f).ToString("R", CultureInfo.InvariantCulture));
        Assert.Equal("0.10009765625", ((BFloat16)0.1f).ToString("G12", CultureInfo.InvariantCulture));
        Assert.Equal(((float)(BFloat16)2.25f).ToString(CultureInfo.CurrentCulture), ((BFloat16)2.25f).ToString());
    }

    /// <summary>
    /// Round to nearest, ties to even, computed from distances in double (not with the bias trick the
    /// library uses): the two candidates are the truncated value and the next bfloat16 away from zero,
    /// with infinity standing for 2^128 as IEEE 754 overflow rounding does.
    /// </summary>
    private static ushort ReferenceRound(uint floatBits)
    {
        uint sign = floatBits & 0x8000_0000u, magnitude = floatBits & 0x7FFF_FFFFu;
        double value = BitConverter.UInt32BitsToSingle(magnitude);
        ushort down = (ushort)(magnitude >> 16);
        ushort up = (ushort)(down + 1);
        double downValue = (float)BFloat16.FromBits(down);
        double upValue = up == 0x7F80 ? Math.Pow(2, 128) : (float)BFloat16.FromBits(up);
        if (float.IsInfinity(BitConverter.UInt32BitsToSingle(magnitude)))
        {
            return (ushort)((sign >> 16) | 0x7F80);
        }

        double below = value - downValue, above = upValue - value;
        ushort chosen = below < above ? down : above < below ? up : (down & 1) == 0 ? down : up;
        return (ushort)((sign >> 16) | chosen);
    }
}
