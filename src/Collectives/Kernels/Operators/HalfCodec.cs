using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Collectives.Kernels.Operators;

/// <summary>
/// IEEE binary16 (<see cref="Half"/>) with bit arithmetic that reproduces .NET's scalar
/// <c>(float)half</c> and <c>(Half)float</c> exactly, NaN payloads included: widening rebiases the
/// exponent (subnormals through one exact float subtraction, NaNs quieted); narrowing rounds to
/// nearest even with an integer bias for normal results, lets the float adder round subnormal
/// results, saturates overflow to infinity and keeps NaN payload bits (quiet bit set).
/// .NET 10 exposes no F16C conversion intrinsics, hence the bit tricks.
/// </summary>
internal readonly struct HalfCodec : IFloat16Codec
{
    private const int HalfSignMask = 0x8000;
    private const int HalfMagnitudeMask = 0x7FFF;
    private const int HalfInfinityBits = 0x7C00;
    private const int HalfQuietNaNBits = 0x7E00;
    private const int HalfMantissaMask = 0x03FF;
    private const int HalfMinNormalBits = 0x0400;
    private const int HalfToFloatShift = 13;
    private const int LowHalfMask = 0xFFFF;

    // Widening: (bits << 13) + this turns a half exponent bias (15) into the float bias (127).
    private const int ExponentRebias = (127 - 15) << 23;
    // Widening subnormals: as a normal number with exponent 1, minus 2^-14, is exact.
    private const int SubnormalRebias = ExponentRebias + (1 << 23);
    private const float HalfMinNormal = 1.0f / 16384.0f;
    // Widening infinity/NaN: a second rebias lifts the all-ones half exponent to the float one.
    private const int SpecialRebias = 2 * ExponentRebias;
    private const int FloatQuietBit = 0x0040_0000;

    private const int FloatMagnitudeMask = 0x7FFF_FFFF;
    private const int FloatInfinityBits = 0x7F80_0000;
    // Narrowing: floats below 2^-14 become half subnormals; adding 0.5f puts their rounding point at
    // the float adder's last bit, so the hardware rounds to nearest even for us.
    private const int FloatOfHalfMinNormal = 0x3880_0000;
    private const float SubnormalRoundingMagic = 0.5f;
    private const int SubnormalRoundingMagicBits = 0x3F00_0000;
    // Narrowing normals: add 0xFFF plus the lowest kept bit (ties to even), then drop 13 bits and
    // undo the exponent rebias.
    private const int DroppedHalfUlpMinusOne = 0x0FFF;
    private const int NarrowRebias = (127 - 15) << 10;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ToSingle(ushort bits) => (float)BitConverter.UInt16BitsToHalf(bits);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort FromSingle(float value) => BitConverter.HalfToUInt16Bits((Half)value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> WidenLow(Vector128<uint> packed) => Widen((packed & Vector128.Create((uint)LowHalfMask)).AsInt32());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> WidenHigh(Vector128<uint> packed) => Widen((packed >> 16).AsInt32());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<uint> Narrow(Vector128<float> low, Vector128<float> high) =>
        ((NarrowToLow(high) << 16) | NarrowToLow(low)).AsUInt32();

    // Half's NaN lanes need their own path either way (the rounding path saturates them to infinity).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<uint> NarrowQuietNaNs(Vector128<float> low, Vector128<float> high) => Narrow(low, high);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> WidenLow(Vector256<uint> packed) => Widen((packed & Vector256.Create((uint)LowHalfMask)).AsInt32());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> WidenHigh(Vector256<uint> packed) => Widen((packed >> 16).AsInt32());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> Narrow(Vector256<float> low, Vector256<float> high) =>
        ((NarrowToLow(high) << 16) | NarrowToLow(low)).AsUInt32();

    // Half's NaN lanes need their own path either way (the rounding path saturates them to infinity).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> NarrowQuietNaNs(Vector256<float> low, Vector256<float> high) => Narrow(low, high);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> WidenLow(Vector512<uint> packed) => Widen((packed & Vector512.Create((uint)LowHalfMask)).AsInt32());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> WidenHigh(Vector512<uint> packed) => Widen((packed >> 16).AsInt32());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> Narrow(Vector512<float> low, Vector512<float> high) =>
        ((NarrowToLow(high) << 16) | NarrowToLow(low)).AsUInt32();

    // Half's NaN lanes need their own path either way (the rounding path saturates them to infinity).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> NarrowQuietNaNs(Vector512<float> low, Vector512<float> high) => Narrow(low, high);

    // half: one binary16 value in bits 0..15 of each lane, zeros above.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Widen(Vector128<int> half)
    {
        Vector128<int> sign = (half & Vector128.Create(HalfSignMask)) << 16;
        Vector128<int> magnitude = half & Vector128.Create(HalfMagnitudeMask);
        Vector128<int> shifted = magnitude << HalfToFloatShift;
        Vector128<int> normal = shifted + Vector128.Create(ExponentRebias);
        Vector128<int> subnormal = ((shifted + Vector128.Create(SubnormalRebias)).AsSingle() - Vector128.Create(HalfMinNormal)).AsInt32();
        Vector128<int> special = (shifted + Vector128.Create(SpecialRebias)) |
            (Vector128.GreaterThan(magnitude, Vector128.Create(HalfInfinityBits)) & Vector128.Create(FloatQuietBit));
        Vector128<int> result = Vector128.ConditionalSelect(Vector128.LessThan(magnitude, Vector128.Create(HalfMinNormalBits)), subnormal,
            Vector128.ConditionalSelect(Vector128.GreaterThan(magnitude, Vector128.Create(HalfInfinityBits - 1)), special, normal));
        return (result | sign).AsSingle();
    }

    // The binary16 encoding of each lane in bits 0..15, zeros above.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> NarrowToLow(Vector128<float> value)
    {
        Vector128<int> bits = value.AsInt32();
        Vector128<int> sign = Vector128.ShiftRightLogical(bits, 16) & Vector128.Create(HalfSignMask);
        Vector128<int> magnitude = bits & Vector128.Create(FloatMagnitudeMask);
        Vector128<int> roundingBias = Vector128.Create(DroppedHalfUlpMinusOne) + (Vector128.ShiftRightLogical(magnitude, HalfToFloatShift) & Vector128<int>.One);
        Vector128<int> normal = Vector128.Min(
            Vector128.ShiftRightLogical(magnitude + roundingBias, HalfToFloatShift) - Vector128.Create(NarrowRebias),
            Vector128.Create(HalfInfinityBits));
        Vector128<int> subnormal = (magnitude.AsSingle() + Vector128.Create(SubnormalRoundingMagic)).AsInt32() - Vector128.Create(SubnormalRoundingMagicBits);
        Vector128<int> nan = (Vector128.ShiftRightLogical(magnitude, HalfToFloatShift) & Vector128.Create(HalfMantissaMask)) | Vector128.Create(HalfQuietNaNBits);
        Vector128<int> result = Vector128.ConditionalSelect(Vector128.GreaterThan(magnitude, Vector128.Create(FloatInfinityBits)), nan,
            Vector128.ConditionalSelect(Vector128.LessThan(magnitude, Vector128.Create(FloatOfHalfMinNormal)), subnormal, normal));
        return result | sign;
    }

    // half: one binary16 value in bits 0..15 of each lane, zeros above.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Widen(Vector256<int> half)
    {
        Vector256<int> sign = (half & Vector256.Create(HalfSignMask)) << 16;
        Vector256<int> magnitude = half & Vector256.Create(HalfMagnitudeMask);
        Vector256<int> shifted = magnitude << HalfToFloatShift;
        Vector256<int> normal = shifted + Vector256.Create(ExponentRebias);
        Vector256<int> subnormal = ((shifted + Vector256.Create(SubnormalRebias)).AsSingle() - Vector256.Create(HalfMinNormal)).AsInt32();
        Vector256<int> special = (shifted + Vector256.Create(SpecialRebias)) |
            (Vector256.GreaterThan(magnitude, Vector256.Create(HalfInfinityBits)) & Vector256.Create(FloatQuietBit));
        Vector256<int> result = Vector256.ConditionalSelect(Vector256.LessThan(magnitude, Vector256.Create(HalfMinNormalBits)), subnormal,
            Vector256.ConditionalSelect(Vector256.GreaterThan(magnitude, Vector256.Create(HalfInfinityBits - 1)), special, normal));
        return (result | sign).AsSingle();
    }

    // The binary16 encoding of each lane in bits 0..15, zeros above.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> NarrowToLow(Vector256<float> value)
    {
        Vector256<int> bits = value.AsInt32();
        Vector256<int> sign = Vector256.ShiftRightLogical(bits, 16) & Vector256.Create(HalfSignMask);
        Vector256<int> magnitude = bits & Vector256.Create(FloatMagnitudeMask);
        Vector256<int> roundingBias = Vector256.Create(DroppedHalfUlpMinusOne) + (Vector256.ShiftRightLogical(magnitude, HalfToFloatShift) & Vector256<int>.One);
        Vector256<int> normal = Vector256.Min(
            Vector256.ShiftRightLogical(magnitude + roundingBias, HalfToFloatShift) - Vector256.Create(NarrowRebias),
            Vector256.Create(HalfInfinityBits));
        Vector256<int> subnormal = (magnitude.AsSingle() + Vector256.Create(SubnormalRoundingMagic)).AsInt32() - Vector256.Create(SubnormalRoundingMagicBits);
        Vector256<int> nan = (Vector256.ShiftRightLogical(magnitude, HalfToFloatShift) & Vector256.Create(HalfMantissaMask)) | Vector256.Create(HalfQuietNaNBits);
        Vector256<int> result = Vector256.ConditionalSelect(Vector256.GreaterThan(magnitude, Vector256.Create(FloatInfinityBits)), nan,
            Vector256.ConditionalSelect(Vector256.LessThan(magnitude, Vector256.Create(FloatOfHalfMinNormal)), subnormal, normal));
        return result | sign;
    }

    // half: one binary16 value in bits 0..15 of each lane, zeros above.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Widen(Vector512<int> half)
    {
        Vector512<int> sign = (half & Vector512.Create(HalfSignMask)) << 16;
        Vector512<int> magnitude = half & Vector512.Create(HalfMagnitudeMask);
        Vector512<int> shifted = magnitude << HalfToFloatShift;
        Vector512<int> normal = shifted + Vector512.Create(ExponentRebias);
        Vector512<int> subnormal = ((shifted + Vector512.Create(SubnormalRebias)).AsSingle() - Vector512.Create(HalfMinNormal)).AsInt32();
        Vector512<int> special = (shifted + Vector512.Create(SpecialRebias)) |
            (Vector512.GreaterThan(magnitude, Vector512.Create(HalfInfinityBits)) & Vector512.Create(FloatQuietBit));
        Vector512<int> result = Vector512.ConditionalSelect(Vector512.LessThan(magnitude, Vector512.Create(HalfMinNormalBits)), subnormal,
            Vector512.ConditionalSelect(Vector512.GreaterThan(magnitude, Vector512.Create(HalfInfinityBits - 1)), special, normal));
        return (result | sign).AsSingle();
    }

    // The binary16 encoding of each lane in bits 0..15, zeros above.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> NarrowToLow(Vector512<float> value)
    {
        Vector512<int> bits = value.AsInt32();
        Vector512<int> sign = Vector512.ShiftRightLogical(bits, 16) & Vector512.Create(HalfSignMask);
        Vector512<int> magnitude = bits & Vector512.Create(FloatMagnitudeMask);
        Vector512<int> roundingBias = Vector512.Create(DroppedHalfUlpMinusOne) + (Vector512.ShiftRightLogical(magnitude, HalfToFloatShift) & Vector512<int>.One);
        Vector512<int> normal = Vector512.Min(
            Vector512.ShiftRightLogical(magnitude + roundingBias, HalfToFloatShift) - Vector512.Create(NarrowRebias),
            Vector512.Create(HalfInfinityBits));
        Vector512<int> subnormal = (magnitude.AsSingle() + Vector512.Create(SubnormalRoundingMagic)).AsInt32() - Vector512.Create(SubnormalRoundingMagicBits);
        Vector512<int> nan = (Vector512.ShiftRightLogical(magnitude, HalfToFloatShift) & Vector512.Create(HalfMantissaMask)) | Vector512.Create(HalfQuietNaNBits);
        Vector512<int> result = Vector512.ConditionalSelect(Vector512.GreaterThan(magnitude, Vector512.Create(FloatInfinityBits)), nan,
            Vector512.ConditionalSelect(Vector512.LessThan(magnitude, Vector512.Create(FloatOfHalfMinNormal)), subnormal, normal));
        return result | sign;
    }
}
