using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Collectives.Kernels.Operators;

/// <summary>
/// Smaller of two elements. For floating point this is IEEE 754-2019 <c>minimum</c>, the rule of
/// <see cref="Math.Min(float, float)"/>: a NaN in either input is the result (the first input's
/// when both are NaN), and -0 is smaller than +0. Since .NET 9 the vector <c>Min</c> follows the
/// same rule, so scalar and vector lanes agree bit for bit. On x86 the 128- and 256-bit float
/// forms use the shorter <see cref="IeeeMinMax"/> sequence, which computes the same bits.
/// </summary>
internal readonly struct MinOperator<T> : IReduceOperator<T>
    where T : unmanaged, INumber<T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Invoke(T x, T y) => T.Min(x, y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Invoke(Vector128<T> x, Vector128<T> y) =>
        IeeeMinMax.IsAccelerated<T>() ? IeeeMinMax.Min(x, y) : Vector128.Min(x, y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) =>
        IeeeMinMax.IsAccelerated<T>() ? IeeeMinMax.Min(x, y) : Vector256.Min(x, y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => Vector512.Min(x, y);
}
