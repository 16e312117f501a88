using System.Runtime.Intrinsics;

namespace Collectives.Kernels.Operators;

/// <summary>
/// An element-wise map <c>x → f(x)</c> that carries state (a divisor), one overload per width;
/// the in-place counterpart of <see cref="IReduceOperator{T}"/> for the in-place unary loop.
/// </summary>
internal interface IStatefulUnaryOperator<T>
    where T : unmanaged
{
    T Invoke(T x);

    Vector128<T> Invoke(Vector128<T> x);

    Vector256<T> Invoke(Vector256<T> x);

    Vector512<T> Invoke(Vector512<T> x);
}
