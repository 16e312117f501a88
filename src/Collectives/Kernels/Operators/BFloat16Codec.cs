using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Collectives.Kernels.Operators;

/// <summary>
/// BFloat16 is the upper half of a float: widening is a shift or a mask, narrowing adds
/// <c>0x7FFF</c> plus the lowest kept bit (round to nearest, ties to even) and keeps the upper half.
/// <see cref="Narrow(Vector256{float}, Vector256{float})"/> sets the quiet bit of NaN lanes instead
/// of rounding them, so no payload can carry into infinity (the scalar rule,
/// <see cref="BFloat16.RoundFromSingleBits"/>). <c>NarrowQuietNaNs</c> skips that fix-up: a quiet NaN
/// whose payload has no bits in the dropped half (every NaN that IEEE arithmetic makes from
/// widened bfloat16 inputs) has nothing to round, so the plain rounding add leaves it as it is.
/// </summary>
internal readonly struct BFloat16Codec : IFloat16Codec
{
    private const uint HighHalfMask = 0xFFFF_0000u;
    private const uint HalfUlpMinusOne = 0x0000_7FFFu;
    private const uint FloatQuietBit = 0x0040_0000u;
    // vpblendw control: even 16-bit words (the low element of each lane) from the second operand.
    private const byte LowWordsFromRight = 0b0101_0101;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ToSingle(ushort bits) => (float)BFloat16.FromBits(bits);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort FromSingle(float value) => BFloat16.RoundFromSingleBits(BitConverter.SingleToUInt32Bits(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> WidenLow(Vector128<uint> packed) => (packed << 16).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> WidenHigh(Vector128<uint> packed) => (packed & Vector128.Create(HighHalfMask)).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<uint> Narrow(Vector128<float> low, Vector128<float> high) => Pack(RoundNaNSafe(low), RoundNaNSafe(high));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<uint> NarrowQuietNaNs(Vector128<float> low, Vector128<float> high) => Pack(Round(low.AsUInt32()), Round(high.AsUInt32()));

    // Float bits whose upper half is the bfloat16 rounded to nearest even; the lower half is garbage.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<uint> Round(Vector128<uint> bits) =>
        bits + (Vector128.Create(HalfUlpMinusOne) + ((bits >> 16) & Vector128<uint>.One));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<uint> RoundNaNSafe(Vector128<float> value)
    {
        Vector128<uint> bits = value.AsUInt32();
        return Vector128.ConditionalSelect(Vector128.IsNaN(value).AsUInt32(), bits | Vector128.Create(FloatQuietBit), Round(bits));
    }

    // The upper halves of both rounded lanes, low element in bits 0..15 and high element in 16..31.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<uint> Pack(Vector128<uint> low, Vector128<uint> high)
    {
        // One word blend instead of mask-and-or.
        if (Sse41.IsSupported)
        {
            return Sse41.Blend(high.AsUInt16(), (low >> 16).AsUInt16(), LowWordsFromRight).AsUInt32();
        }

        return (high & Vector128.Create(HighHalfMask)) | (low >> 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> WidenLow(Vector256<uint> packed) => (packed << 16).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> WidenHigh(Vector256<uint> packed) => (packed & Vector256.Create(HighHalfMask)).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> Narrow(Vector256<float> low, Vector256<float> high) => Pack(RoundNaNSafe(low), RoundNaNSafe(high));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> NarrowQuietNaNs(Vector256<float> low, Vector256<float> high) => Pack(Round(low.AsUInt32()), Round(high.AsUInt32()));

    // Float bits whose upper half is the bfloat16 rounded to nearest even; the lower half is garbage.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Round(Vector256<uint> bits) =>
        bits + (Vector256.Create(HalfUlpMinusOne) + ((bits >> 16) & Vector256<uint>.One));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> RoundNaNSafe(Vector256<float> value)
    {
        Vector256<uint> bits = value.AsUInt32();
        return Vector256.ConditionalSelect(Vector256.IsNaN(value).AsUInt32(), bits | Vector256.Create(FloatQuietBit), Round(bits));
    }

    // The upper halves of both rounded lanes, low element in bits 0..15 and high element in 16..31.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Pack(Vector256<uint> low, Vector256<uint> high)
    {
        // One word blend instead of mask-and-or.
        if (Avx2.IsSupported)
        {
            return Avx2.Blend(high.AsUInt16(), (low >> 16).AsUInt16(), LowWordsFromRight).AsUInt32();
        }

        return (high & Vector256.Create(HighHalfMask)) | (low >> 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> WidenLow(Vector512<uint> packed) => (packed << 16).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> WidenHigh(Vector512<uint> packed) => (packed & Vector512.Create(HighHalfMask)).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> Narrow(Vector512<float> low, Vector512<float> high) => Pack(RoundNaNSafe(low), RoundNaNSafe(high));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> NarrowQuietNaNs(Vector512<float> low, Vector512<float> high) => Pack(Round(low.AsUInt32()), Round(high.AsUInt32()));

    // Float bits whose upper half is the bfloat16 rounded to nearest even; the lower half is garbage.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> Round(Vector512<uint> bits) =>
        bits + (Vector512.Create(HalfUlpMinusOne) + ((bits >> 16) & Vector512<uint>.One));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> RoundNaNSafe(Vector512<float> value)
    {
        Vector512<uint> bits = value.AsUInt32();
        return Vector512.ConditionalSelect(Vector512.IsNaN(value).AsUInt32(), bits | Vector512.Create(FloatQuietBit), Round(bits));
    }

    // The upper halves of both rounded lanes, low element in bits 0..15 and high element in 16..31.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> Pack(Vector512<uint> low, Vector512<uint> high)
    {
        return (high & Vector512.Create(HighHalfMask)) | (low >> 16);
    }
}
