using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Collectives.Kernels.Operators;

/// <summary>
/// <c>x + y</c>; integers wrap (the project never compiles with overflow checks), floats round once
/// in the element type.
/// </summary>
internal readonly struct SumOperator<T> : IReduceOperator<T>
    where T : unmanaged, IAdditionOperators<T, T, T>
{
    /// <summary>IEEE addition and multiplication only ever return quiet NaNs carrying an input's payload.</summary>
    public static bool ReturnsOnlyQuietNaNs => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Invoke(T x, T y) => x + y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Invoke(Vector128<T> x, Vector128<T> y) => x + y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => x + y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => x + y;
}
