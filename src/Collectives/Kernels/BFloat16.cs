using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Collectives;

/// <summary>
/// The bfloat16 ("brain float") element type: 1 sign bit, 8 exponent bits and 7 mantissa bits,
/// i.e. the upper half of an IEEE 754 binary32 <see cref="float"/>. .NET has no such type.
/// </summary>
/// <remarks>
/// <para>Widening to <see cref="float"/> is exact. Narrowing from <see cref="float"/> rounds to
/// nearest, ties to even; values beyond the largest finite bfloat16 round to infinity exactly as
/// round-to-nearest-even dictates; a NaN stays a NaN (sign and upper payload bits kept, quiet
/// bit set), so no payload can round into infinity.</para>
/// <para>Arithmetic operators compute in <see cref="float"/> and round once.</para>
/// <para>Equality and ordering follow <see cref="float"/>: the operators <c>==</c>, <c>&lt;</c>, ...
/// are IEEE comparisons (NaN is unordered and unequal to everything, +0 equals -0), while
/// <see cref="Equals(BFloat16)"/> and <see cref="CompareTo(BFloat16)"/> treat every NaN as equal
/// to every other NaN and order NaN below all numbers, so the type works as a dictionary key and
/// sorts deterministically.</para>
/// </remarks>
[StructLayout(LayoutKind.Sequential, Size = 2)]
public readonly struct BFloat16 : IEquatable<BFloat16>, IComparable<BFloat16>, IComparable, IFormattable
{
    private const ushort SignMask = 0x8000;
    private const ushort ExponentMask = 0x7F80;
    private const ushort MantissaMask = 0x007F;
    private const ushort QuietBit = 0x0040;

    private readonly ushort _bits;

    private BFloat16(ushort bits) => _bits = bits;

    /// <summary>The raw 16-bit encoding.</summary>
    public ushort RawValue => _bits;

    /// <summary>Reinterprets a raw 16-bit encoding as a <see cref="BFloat16"/>.</summary>
    public static BFloat16 FromBits(ushort bits) => new(bits);

    /// <summary>Positive zero.</summary>
    public static BFloat16 Zero => new(0x0000);

    /// <summary>One.</summary>
    public static BFloat16 One => new(0x3F80);

    /// <summary>The canonical quiet NaN (positive sign).</summary>
    public static BFloat16 NaN => new(0x7FC0);

    /// <summary>Positive infinity.</summary>
    public static BFloat16 PositiveInfinity => new(0x7F80);

    /// <summary>Negative infinity.</summary>
    public static BFloat16 NegativeInfinity => new(0xFF80);

    /// <summary>The largest finite value, about 3.39e38.</summary>
    public static BFloat16 MaxValue => new(0x7F7F);

    /// <summary>The most negative finite value, about -3.39e38.</summary>
    public static BFloat16 MinValue => new(0xFF7F);

    /// <summary>The smallest positive (subnormal) value, 2^-133.</summary>
    public static BFloat16 Epsilon => new(0x0001);

    /// <summary>True for any NaN encoding.</summary>
    public static bool IsNaN(BFloat16 value) => (value._bits & ~SignMask) > ExponentMask;

    /// <summary>True for positive or negative infinity.</summary>
    public static bool IsInfinity(BFloat16 value) => (value._bits & ~SignMask) == ExponentMask;

    /// <summary>True for positive infinity.</summary>
    public static bool IsPositiveInfinity(BFloat16 value) => value._bits == ExponentMask;

    /// <summary>True for negative infinity.</summary>
    public static bool IsNegativeInfinity(BFloat16 value) => value._bits == (SignMask | ExponentMask);

    /// <summary>True for zero, subnormal and normal values (not infinity, not NaN).</summary>
    public static bool IsFinite(BFloat16 value) => (value._bits & ExponentMask) != ExponentMask;

    /// <summary>True when the sign bit is set (including -0 and negative NaNs).</summary>
    public static bool IsNegative(BFloat16 value) => (value._bits & SignMask) != 0;

    /// <summary>True for nonzero values with a zero exponent field.</summary>
    public static bool IsSubnormal(BFloat16 value) =>
        (value._bits & ExponentMask) == 0 && (value._bits & MantissaMask) != 0;

    /// <summary>Widens exactly: the bfloat16 bits become the upper half of the float.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static explicit operator float(BFloat16 value) => BitConverter.UInt32BitsToSingle((uint)value._bits << 16);

    /// <summary>Widens exactly (via <see cref="float"/>, which holds every bfloat16 value).</summary>
    public static explicit operator double(BFloat16 value) => (float)value;

    /// <summary>Narrows with round-to-nearest-even; NaN stays NaN, overflow rounds to infinity.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static explicit operator BFloat16(float value) => new(RoundFromSingleBits(BitConverter.SingleToUInt32Bits(value)));

    /// <summary>
    /// Narrows via <see cref="float"/>: the double is first rounded to float (nearest even), then to
    /// bfloat16. This double rounding can differ from a direct correctly rounded conversion in the
    /// last bit for values that lie extremely close to a bfloat16 tie.
    /// </summary>
    public static explicit operator BFloat16(double value) => (BFloat16)(float)value;

    /// <summary>
    /// The bfloat16 encoding of the float with bits <paramref name="bits"/>, rounded to nearest even.
    /// The vector kernels apply the same rule lane by lane.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ushort RoundFromSingleBits(uint bits)
    {
        if ((bits & 0x7FFF_FFFFu) > 0x7F80_0000u)
        {
            // NaN: keep sign and the upper payload bits, set the quiet bit so a payload that lives only
            // in the dropped low bits cannot turn into infinity.
            return (ushort)((bits >> 16) | QuietBit);
        }

        // Adding 0x7FFF plus the lowest kept bit rounds the dropped half to nearest, ties to even; a carry
        // out of the mantissa bumps the exponent, which is exactly how overflow reaches infinity.
        uint roundingBias = 0x7FFFu + ((bits >> 16) & 1u);
        return (ushort)((bits + roundingBias) >> 16);
    }

    /// <summary>Sum computed in float, rounded once.</summary>
    public static BFloat16 operator +(BFloat16 left, BFloat16 right) => (BFloat16)((float)left + (float)right);

    /// <summary>Difference computed in float, rounded once.</summary>
    public static BFloat16 operator -(BFloat16 left, BFloat16 right) => (BFloat16)((float)left - (float)right);

    /// <summary>Product computed in float, rounded once.</summary>
    public static BFloat16 operator *(BFloat16 left, BFloat16 right) => (BFloat16)((float)left * (float)right);

    /// <summary>Quotient computed in float, rounded once.</summary>
    public static BFloat16 operator /(BFloat16 left, BFloat16 right) => (BFloat16)((float)left / (float)right);

    /// <summary>Flips the sign bit (exact, also for NaN).</summary>
    public static BFloat16 operator -(BFloat16 value) => new((ushort)(value._bits ^ SignMask));

    /// <summary>Identity.</summary>
    public static BFloat16 operator +(BFloat16 value) => value;

    /// <summary>IEEE equality: NaN is unequal to everything, +0 equals -0.</summary>
    public static bool operator ==(BFloat16 left, BFloat16 right) => (float)left == (float)right;

    /// <summary>IEEE inequality: true when either side is NaN.</summary>
    public static bool operator !=(BFloat16 left, BFloat16 right) => (float)left != (float)right;

    /// <summary>IEEE less-than: false when either side is NaN.</summary>
    public static bool operator <(BFloat16 left, BFloat16 right) => (float)left < (float)right;

    /// <summary>IEEE greater-than: false when either side is NaN.</summary>
    public static bool operator >(BFloat16 left, BFloat16 right) => (float)left > (float)right;

    /// <summary>IEEE less-or-equal: false when either side is NaN.</summary>
    public static bool operator <=(BFloat16 left, BFloat16 right) => (float)left <= (float)right;

    /// <summary>IEEE greater-or-equal: false when either side is NaN.</summary>
    public static bool operator >=(BFloat16 left, BFloat16 right) => (float)left >= (float)right;

    /// <summary>Like <see cref="float.Equals(float)"/>: +0 equals -0, and any NaN equals any NaN.</summary>
    public bool Equals(BFloat16 other) => ((float)this).Equals((float)other);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is BFloat16 other && Equals(other);

    /// <summary>Consistent with <see cref="Equals(BFloat16)"/>: ±0 hash alike, every NaN hashes alike.</summary>
    public override int GetHashCode() => ((float)this).GetHashCode();

    /// <summary>Like <see cref="float.CompareTo(float)"/>: NaN sorts below every number, NaNs compare equal.</summary>
    public int CompareTo(BFloat16 other) => ((float)this).CompareTo((float)other);

    /// <inheritdoc/>
    public int CompareTo(object? obj) => obj switch
    {
        null => 1,
        BFloat16 other => CompareTo(other),
        _ => throw new ArgumentException($"Object must be of type {nameof(BFloat16)}.", nameof(obj)),
    };

    /// <summary>Formats the exact float value of this bfloat16.</summary>
    public override string ToString() => ((float)this).ToString(CultureInfo.CurrentCulture);

    /// <summary>Formats the exact float value of this bfloat16 with a float format string.</summary>
    public string ToString(string? format, IFormatProvider? formatProvider) => ((float)this).ToString(format, formatProvider);
}
