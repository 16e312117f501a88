using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Collectives.Kernels.Operators;

/// <summary>
/// IEEE 754-2019 <c>minimum</c>/<c>maximum</c> for float and double vectors from the x86
/// <c>minps</c>/<c>maxps</c> instructions plus two fix-ups, six instructions where the portable
/// <c>Vector256.Max</c> needs nine. The result is exactly that of <see cref="Math.Max(float, float)"/>:
/// <c>maxps(x, y)</c> returns y when either input is NaN or both are equal, so (1) equal inputs are
/// replaced by <c>x &amp; y</c> for max and <c>x | y</c> for min (identical bits, except that +0 wins a
/// max and -0 wins a min), and (2) a NaN x replaces the result, unchanged; a NaN y already is it.
/// Callers use these only where <see cref="IsAccelerated{T}"/> holds and fall back to the portable
/// vector methods elsewhere (other ISAs, 512-bit vectors), which follow the same rule.
/// </summary>
internal static class IeeeMinMax
{
    /// <summary>True when the 128- and 256-bit forms below run as x86 instructions for <typeparamref name="T"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsAccelerated<T>() => (typeof(T) == typeof(float) || typeof(T) == typeof(double)) && Avx.IsSupported;

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
