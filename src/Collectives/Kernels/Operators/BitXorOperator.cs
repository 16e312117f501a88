using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Collectives.Kernels.Operators;

/// <summary>Bitwise XOR; the dispatcher only instantiates it for integer element types.</summary>
internal readonly struct BitXorOperator<T> : IReduceOperator<T>
    where T : unmanaged, IBitwiseOperators<T, T, T>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Invoke(T x, T y) => x ^ y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Invoke(Vector128<T> x, Vector128<T> y) => x ^ y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Invoke(Vector256<T> x, Vector256<T> y) => x ^ y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Invoke(Vector512<T> x, Vector512<T> y) => x ^ y;
}
