using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Collectives.Kernels.Operators;

/// <summary>
/// BFloat16 is the upper half of a float: widening is a shift or a mask, narrowing adds
/// <c>0x7FFF</c> plus the lowest kept bit (round to nearest, ties to even) and keeps the upper half;
/// NaN lanes only get their quiet bit set, so no NaN payload can carry into infinity. The scalar
/// rule is <see cref="BFloat16.RoundFromSingleBits"/>; the lanes below apply the same arithmetic.
/// </summary>
internal readonly struct BFloat16Codec : IFloat16Codec
{
    private const uint HighHalfMask = 0xFFFF_0000u;
    private const uint HalfUlpMinusOne = 0x0000_7FFFu;
    private const uint FloatQuietBit = 0x0040_0000u;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ToSingle(ushort bits) => (float)BFloat16.FromBits(bits);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort FromSingle(float value) => BFloat16.RoundFromSingleBits(BitConverter.SingleToUInt32Bits(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> WidenLow(Vector128<uint> packed) => (packed << 16).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> WidenHigh(Vector128<uint> packed) => (packed & Vector128.Create(HighHalfMask)).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<uint> Narrow(Vector128<float> low, Vector128<float> high) =>
        (Round(high) & Vector128.Create(HighHalfMask)) | (Round(low) >> 16);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> WidenLow(Vector256<uint> packed) => (packed << 16).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> WidenHigh(Vector256<uint> packed) => (packed & Vector256.Create(HighHalfMask)).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> Narrow(Vector256<float> low, Vector256<float> high) =>
        (Round(high) & Vector256.Create(HighHalfMask)) | (Round(low) >> 16);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> WidenLow(Vector512<uint> packed) => (packed << 16).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> WidenHigh(Vector512<uint> packed) => (packed & Vector512.Create(HighHalfMask)).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> Narrow(Vector512<float> low, Vector512<float> high) =>
        (Round(high) & Vector512.Create(HighHalfMask)) | (Round(low) >> 16);

    // Float bits whose upper half is the rounded bfloat16; the lower half is garbage the caller drops.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<uint> Round(Vector128<float> value)
    {
        Vector128<uint> bits = value.AsUInt32();
        Vector128<uint> rounded = bits + (Vector128.Create(HalfUlpMinusOne) + ((bits >> 16) & Vector128<uint>.One));
        return Vector128.ConditionalSelect(Vector128.IsNaN(value).AsUInt32(), bits | Vector128.Create(FloatQuietBit), rounded);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Round(Vector256<float> value)
    {
        Vector256<uint> bits = value.AsUInt32();
        Vector256<uint> rounded = bits + (Vector256.Create(HalfUlpMinusOne) + ((bits >> 16) & Vector256<uint>.One));
        return Vector256.ConditionalSelect(Vector256.IsNaN(value).AsUInt32(), bits | Vector256.Create(FloatQuietBit), rounded);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> Round(Vector512<float> value)
    {
        Vector512<uint> bits = value.AsUInt32();
        Vector512<uint> rounded = bits + (Vector512.Create(HalfUlpMinusOne) + ((bits >> 16) & Vector512<uint>.One));
        return Vector512.ConditionalSelect(Vector512.IsNaN(value).AsUInt32(), bits | Vector512.Create(FloatQuietBit), rounded);
    }
}
