using System.Runtime.Intrinsics;
using Collectives.Kernels.Operators;

namespace Collectives.Kernels.Loops;

/// <summary>
/// <c>data[i] = op(data[i])</c> in place, for the once-per-collective Avg finalisation. Same tail
/// rule as <see cref="ReduceLoop"/> (the last vector is mapped before the loop overwrites part of
/// it, and stored after), but no unrolling or alignment: the division it runs is bound by the
/// divider, not by memory.
/// </summary>
internal static unsafe class UnaryLoop
{
    public static void RunInPlace<T, TOp>(T* data, nuint length, TOp op)
        where T : unmanaged
        where TOp : IStatefulUnaryOperator<T>
    {
        if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported && length >= (nuint)Vector512<T>.Count)
        {
            nuint count = (nuint)Vector512<T>.Count;
            nuint last = length - count;
            Vector512<T> end = op.Invoke(Vector512.Load(data + last));
            for (nuint i = 0; i < last; i += count)
            {
                op.Invoke(Vector512.Load(data + i)).Store(data + i);
            }

            end.Store(data + last);
            return;
        }

        if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported && length >= (nuint)Vector256<T>.Count)
        {
            nuint count = (nuint)Vector256<T>.Count;
            nuint last = length - count;
            Vector256<T> end = op.Invoke(Vector256.Load(data + last));
            for (nuint i = 0; i < last; i += count)
            {
                op.Invoke(Vector256.Load(data + i)).Store(data + i);
            }

            end.Store(data + last);
            return;
        }

        if (Vector128.IsHardwareAccelerated && Vector128<T>.IsSupported && length >= (nuint)Vector128<T>.Count)
        {
            nuint count = (nuint)Vector128<T>.Count;
            nuint last = length - count;
            Vector128<T> end = op.Invoke(Vector128.Load(data + last));
            for (nuint i = 0; i < last; i += count)
            {
                op.Invoke(Vector128.Load(data + i)).Store(data + i);
            }

            end.Store(data + last);
            return;
        }

        for (nuint i = 0; i < length; i++)
        {
            data[i] = op.Invoke(data[i]);
        }
    }
}
