using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Collectives.Kernels.Operators;

/// <summary>
/// IEEE 754-2019 <c>minimum</c>/<c>maximum</c> for float and double vectors from the x86
/// <c>minps</c>/<c>maxps</c> instructions plus two fix-ups, six instructions where the portable
/// <c>Vector256.Max</c> needs nine. The result is exactly the scalar forms' below (the input
/// <see cref="Math.Max(float, float)"/> picks, its bits unchanged):
/// <c>maxps(x, y)</c> returns y when either input is NaN or both are equal, so (1) equal inputs are
/// replaced by <c>x &amp; y</c> for max and <c>x | y</c> for min (identical bits, except that +0 wins a
/// max and -0 wins a min), and (2) a NaN x replaces the result, unchanged; a NaN y already is it.
/// Callers use these only where <see cref="IsAccelerated{T}"/> (<see cref="IsAccelerated512{T}"/>
/// for 512-bit vectors) holds and fall back to the portable vector methods elsewhere (other ISAs).
/// The 512-bit forms are not an optimisation but a correction: on AVX-512 hardware .NET 10's
/// <c>Vector512.Min</c>/<c>Max</c> quiet a signalling NaN (0x7F808000 came back 0x7FC08000) and,
/// when both inputs are NaN, return the second, so their bits differed from the scalar rule
/// and from the 128- and 256-bit lanes of the same reduction.
/// </summary>
internal static class IeeeMinMax
{
    /// <summary>True when the 128- and 256-bit forms below run as x86 instructions for <typeparamref name="T"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsAccelerated<T>() => (typeof(T) == typeof(float) || typeof(T) == typeof(double)) && Avx.IsSupported;

    /// <summary>True for the element types the scalar forms below are for (float and double), on every machine.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsFloatingPoint<T>() => typeof(T) == typeof(float) || typeof(T) == typeof(double);

    /// <summary>
    /// The scalar rule, spelled out: <see cref="Math.Max(float, float)"/> is a JIT intrinsic that on
    /// AVX-512 hardware quiets a signalling NaN (0x7F808000 came back 0x7FC08000), so a rank on
    /// such a CPU would disagree with one on an older CPU, and with the vector lanes, about the tail elements.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Max<T>(T x, T y)
    {
        if (typeof(T) == typeof(float))
        {
            float a = Unsafe.BitCast<T, float>(x), b = Unsafe.BitCast<T, float>(y);
            float r = float.IsNaN(a) ? a : float.IsNaN(b) ? b : a > b ? a : b > a ? b
                : BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(a) & BitConverter.SingleToInt32Bits(b));
            return Unsafe.BitCast<float, T>(r);
        }

        double c = Unsafe.BitCast<T, double>(x), d = Unsafe.BitCast<T, double>(y);
        double s = double.IsNaN(c) ? c : double.IsNaN(d) ? d : c > d ? c : d > c ? d
            : BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(c) & BitConverter.DoubleToInt64Bits(d));
        return Unsafe.BitCast<double, T>(s);
    }

    /// <summary>The scalar <c>minimum</c>, for the reason given at <see cref="Max{T}(T, T)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Min<T>(T x, T y)
    {
        if (typeof(T) == typeof(float))
        {
            float a = Unsafe.BitCast<T, float>(x), b = Unsafe.BitCast<T, float>(y);
            float r = float.IsNaN(a) ? a : float.IsNaN(b) ? b : a < b ? a : b < a ? b
                : BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(a) | BitConverter.SingleToInt32Bits(b));
            return Unsafe.BitCast<float, T>(r);
        }

        double c = Unsafe.BitCast<T, double>(x), d = Unsafe.BitCast<T, double>(y);
        double s = double.IsNaN(c) ? c : double.IsNaN(d) ? d : c < d ? c : d < c ? d
            : BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(c) | BitConverter.DoubleToInt64Bits(d));
        return Unsafe.BitCast<double, T>(s);
    }

    /// <summary>True when the 512-bit forms below run as AVX-512 instructions for <typeparamref name="T"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsAccelerated512<T>() => (typeof(T) == typeof(float) || typeof(T) == typeof(double)) && Avx512F.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Max<T>(Vector512<T> x, Vector512<T> y)
    {
        if (typeof(T) == typeof(float))
        {
            Vector512<float> a = x.AsSingle(), b = y.AsSingle();
            Vector512<float> r = Vector512.ConditionalSelect(Vector512.Equals(a, b), a & b, Avx512F.Max(a, b));
            return Vector512.ConditionalSelect(Vector512.Equals(a, a), r, a).As<float, T>();
        }

        Vector512<double> c = x.AsDouble(), d = y.AsDouble();
        Vector512<double> s = Vector512.ConditionalSelect(Vector512.Equals(c, d), c & d, Avx512F.Max(c, d));
        return Vector512.ConditionalSelect(Vector512.Equals(c, c), s, c).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Min<T>(Vector512<T> x, Vector512<T> y)
    {
        if (typeof(T) == typeof(float))
        {
            Vector512<float> a = x.AsSingle(), b = y.AsSingle();
            Vector512<float> r = Vector512.ConditionalSelect(Vector512.Equals(a, b), a | b, Avx512F.Min(a, b));
            return Vector512.ConditionalSelect(Vector512.Equals(a, a), r, a).As<float, T>();
        }

        Vector512<double> c = x.AsDouble(), d = y.AsDouble();
        Vector512<double> s = Vector512.ConditionalSelect(Vector512.Equals(c, d), c | d, Avx512F.Min(c, d));
        return Vector512.ConditionalSelect(Vector512.Equals(c, c), s, c).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Max<T>(Vector128<T> x, Vector128<T> y)
    {
        if (typeof(T) == typeof(float))
        {
            Vector128<float> a = x.AsSingle(), b = y.AsSingle();
            Vector128<float> r = Sse41.BlendVariable(Sse.Max(a, b), Sse.And(a, b), Sse.CompareEqual(a, b));
            return Sse41.BlendVariable(r, a, Sse.CompareUnordered(a, a)).As<float, T>();
        }

        Vector128<double> c = x.AsDouble(), d = y.AsDouble();
        Vector128<double> s = Sse41.BlendVariable(Sse2.Max(c, d), Sse2.And(c, d), Sse2.CompareEqual(c, d));
        return Sse41.BlendVariable(s, c, Sse2.CompareUnordered(c, c)).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Min<T>(Vector128<T> x, Vector128<T> y)
    {
        if (typeof(T) == typeof(float))
        {
            Vector128<float> a = x.AsSingle(), b = y.AsSingle();
            Vector128<float> r = Sse41.BlendVariable(Sse.Min(a, b), Sse.Or(a, b), Sse.CompareEqual(a, b));
            return Sse41.BlendVariable(r, a, Sse.CompareUnordered(a, a)).As<float, T>();
        }

        Vector128<double> c = x.AsDouble(), d = y.AsDouble();
        Vector128<double> s = Sse41.BlendVariable(Sse2.Min(c, d), Sse2.Or(c, d), Sse2.CompareEqual(c, d));
        return Sse41.BlendVariable(s, c, Sse2.CompareUnordered(c, c)).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Max<T>(Vector256<T> x, Vector256<T> y)
    {
        if (typeof(T) == typeof(float))
        {
            Vector256<float> a = x.AsSingle(), b = y.AsSingle();
            Vector256<float> r = Avx.BlendVariable(Avx.Max(a, b), Avx.And(a, b), Avx.CompareEqual(a, b));
            return Avx.BlendVariable(r, a, Avx.CompareUnordered(a, a)).As<float, T>();
        }

        Vector256<double> c = x.AsDouble(), d = y.AsDouble();
        Vector256<double> s = Avx.BlendVariable(Avx.Max(c, d), Avx.And(c, d), Avx.CompareEqual(c, d));
        return Avx.BlendVariable(s, c, Avx.CompareUnordered(c, c)).As<double, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Min<T>(Vector256<T> x, Vector256<T> y)
    {
        if (typeof(T) == typeof(float))
        {
            Vector256<float> a = x.AsSingle(), b = y.AsSingle();
            Vector256<float> r = Avx.BlendVariable(Avx.Min(a, b), Avx.Or(a, b), Avx.CompareEqual(a, b));
            return Avx.BlendVariable(r, a, Avx.CompareUnordered(a, a)).As<float, T>();
        }

        Vector256<double> c = x.AsDouble(), d = y.AsDouble();
        Vector256<double> s = Avx.BlendVariable(Avx.Min(c, d), Avx.Or(c, d), Avx.CompareEqual(c, d));
        return Avx.BlendVariable(s, c, Avx.CompareUnordered(c, c)).As<double, T>();
    }
}
