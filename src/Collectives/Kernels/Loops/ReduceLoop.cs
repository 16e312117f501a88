using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Collectives.Kernels.Operators;

namespace Collectives.Kernels.Loops;

/// <summary>
/// The one loop every element-wise reduction runs through: <c>d[i] = op(a[i], b[i])</c> (and
/// <c>c[i]</c> the same when <typeparamref name="TCopy"/> says so) for <c>i &lt; length</c>.
/// <para>Contract (checked at the public edge, not here): <c>d</c> is exactly <c>a</c>, exactly
/// <c>b</c>, or disjoint from both; <c>c</c> is disjoint from all three. The loop neither allocates
/// nor throws.</para>
/// <para>Mechanics, as in TensorPrimitives: the widest accelerated vector that fits the length;
/// an unrolled main loop, started at the destination's first aligned element for large buffers;
/// no scalar tail, because the first and last vectors are reduced up front (before any store, so
/// in-place reductions never read a result) and stored last, overlapping what the loop wrote with
/// identical values. Compute-bound operators (<see cref="IReduceOperator{T}.IsComputeBound"/>) take
/// a compact form of the same loop. Only lengths shorter than one <see cref="Vector128{T}"/> take
/// the scalar loop.</para>
/// </summary>
internal static unsafe partial class ReduceLoop
{
    // Inlined into the dispatcher: after constant folding it is one length test and a call.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Run<T, TOp, TCopy>(T* a, T* b, T* d, T* c, nuint length)
        where T : unmanaged
        where TOp : IReduceOperator<T>
        where TCopy : ICopyPolicy
    {
        if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported && length >= (nuint)Vector512<T>.Count)
        {
            Vectorized512<T, TOp, TCopy>(a, b, d, c, length);
        }
        else if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported && length >= (nuint)Vector256<T>.Count)
        {
            Vectorized256<T, TOp, TCopy>(a, b, d, c, length);
        }
        else if (Vector128.IsHardwareAccelerated && Vector128<T>.IsSupported && length >= (nuint)Vector128<T>.Count)
        {
            Vectorized128<T, TOp, TCopy>(a, b, d, c, length);
        }
        else
        {
            Scalar<T, TOp, TCopy>(a, b, d, c, length);
        }
    }

    internal static void Scalar<T, TOp, TCopy>(T* a, T* b, T* d, T* c, nuint length)
        where T : unmanaged
        where TOp : IReduceOperator<T>
        where TCopy : ICopyPolicy
    {
        for (nuint i = 0; i < length; i++)
        {
            T result = TOp.Invoke(a[i], b[i]);
            d[i] = result;
            if (TCopy.Enabled)
            {
                c[i] = result;
            }
        }
    }

    /// <summary>
    /// Where the main loop starts: right after the first vector (reduced separately), or, for
    /// large element-aligned destinations, at the first element whose address is a multiple of
    /// <paramref name="vectorBytes"/>, which is element 0 when the destination is already aligned
    /// (the first vector is then reduced twice, to the same values, and the loop runs whole blocks
    /// instead of a remainder: 10-15% faster at 4 KiB). Always in [0, elements per vector].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static nuint MainLoopStart<T>(T* d, nuint length, nuint vectorBytes)
        where T : unmanaged
    {
        nuint elementSize = (nuint)sizeof(T);
        nuint misalignment = (nuint)d & (vectorBytes - 1);
        if (length * elementSize >= KernelTuning.AlignDestinationMinBytes && (misalignment & (elementSize - 1)) == 0)
        {
            return ((vectorBytes - misalignment) & (vectorBytes - 1)) / elementSize;
        }

        return vectorBytes / elementSize;
    }
}
