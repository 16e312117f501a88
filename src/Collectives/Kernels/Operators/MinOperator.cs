using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Collectives.Kernels.Operators;

/// <summary>
/// Smaller of two elements. For floating point this is IEEE 754-2019 <c>minimum</c>, as
/// <see cref="Math.Min(float, float)"/> picks: a NaN in either input is the result (the first
/// input's when both are NaN), its bits unchanged, and -0 is smaller than +0. Every form gives those
/// bits on every CPU, so ranks agree: float and double use <see cref="IeeeMinMax"/>, the scalar
/// form always and the vector forms of every width on x86 (on AVX-512 hardware both
/// <c>Math.Min</c> and <c>Vector512.Min</c> quiet a signalling NaN, and the latter returns the
/// second of two NaNs); elsewhere the portable vector method.
/// </summary>
internal readonly struct MinOperator<T> : IReduceOperator<T>
    where T : unmanaged, INumber<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Invoke(T x, T y) => IeeeMinMax.IsFloatingPoint<T>() ? IeeeMinMax.Min(x, y) : T.Min(x, y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Invoke(Vector128<T> x, Vector128<T> y) =>
        IeeeMinMax.IsAccelerated<T>() ? IeeeMinMax.Min(x, y) : Vector128.Min(x, y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) =>
        IeeeMinMax.IsAccelerated<T>() ? IeeeMinMax.Min(x, y) : Vector256.Min(x, y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) =>
        IeeeMinMax.IsAccelerated512<T>() ? IeeeMinMax.Min(x, y) : Vector512.Min(x, y);
}
