using System.Runtime.Intrinsics;

namespace Collectives.Kernels.Operators;

/// <summary>
/// An element-wise reduction <c>x op y</c>, given once per width so the generic loop can run the
/// widest vector the hardware accelerates and the JIT can inline the operation into it.
/// All four overloads must agree bit for bit on every lane (the loop mixes them at the tails).
/// </summary>
internal interface IReduceOperator<T>
    where T : unmanaged
{
    /// <summary>
    /// True when every NaN the operator returns is quiet and carries an input's payload or the
    /// default NaN, as IEEE arithmetic (add, multiply, divide) does. Then a result computed from
    /// widened 16-bit inputs never has NaN payload bits below the 16-bit mantissa, and narrowing can
    /// skip its NaN fix-up. False for operators that may hand back an input unchanged, signaling
    /// NaNs included (Min, Max), and for integer operators, where it means nothing.
    /// </summary>
    static virtual bool ReturnsOnlyQuietNaNs => false;

    /// <summary>
    /// True for operators with long bodies (the 16-bit float conversions): they are bound by
    /// arithmetic rather than memory, so the loop runs them in its compact form, with no unrolling
    /// or alignment and a single copy of the body. Unrolled, such a body exhausts the JIT's
    /// registers and inlining budget (measured: the Half sum fell to a tenth of its speed).
    /// </summary>
    static virtual bool IsComputeBound => false;

    static abstract T Invoke(T x, T y);

    static abstract Vector128<T> Invoke(Vector128<T> x, Vector128<T> y);

    static abstract Vector256<T> Invoke(Vector256<T> x, Vector256<T> y);

    static abstract Vector512<T> Invoke(Vector512<T> x, Vector512<T> y);
}
