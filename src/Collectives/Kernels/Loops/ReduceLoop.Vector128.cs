using System.Runtime.Intrinsics;
using Collectives.Kernels.Operators;

namespace Collectives.Kernels.Loops;

// The 128-bit body of ReduceLoop; the three widths differ only in the vector type.
internal static unsafe partial class ReduceLoop
{
    /// <summary>Requires <paramref name="length"/> &gt;= <see cref="Vector128{T}.Count"/>.</summary>
    internal static void Vectorized128<T, TOp, TCopy>(T* a, T* b, T* d, T* c, nuint length)
        where T : unmanaged
        where TOp : IReduceOperator<T>
        where TCopy : ICopyPolicy
    {
        nuint count = (nuint)Vector128<T>.Count;
        nuint last = length - count;

        // Both end vectors are reduced before the first store: d may be a or b, and these two
        // stores, done last, overlap elements the main loop has already overwritten.
        Vector128<T> beg = TOp.Invoke(Vector128.Load(a), Vector128.Load(b));
        Vector128<T> end = TOp.Invoke(Vector128.Load(a + last), Vector128.Load(b + last));

        nuint i = MainLoopStart(d, length, (nuint)Vector128<byte>.Count);
        while (i + (KernelTuning.UnrolledVectors * count) <= length)
        {
            Vector128<T> r0 = TOp.Invoke(Vector128.Load(a + i), Vector128.Load(b + i));
            Vector128<T> r1 = TOp.Invoke(Vector128.Load(a + i + count), Vector128.Load(b + i + count));
            Vector128<T> r2 = TOp.Invoke(Vector128.Load(a + i + (2 * count)), Vector128.Load(b + i + (2 * count)));
            Vector128<T> r3 = TOp.Invoke(Vector128.Load(a + i + (3 * count)), Vector128.Load(b + i + (3 * count)));
            r0.Store(d + i);
            r1.Store(d + i + count);
            r2.Store(d + i + (2 * count));
            r3.Store(d + i + (3 * count));
            if (TCopy.Enabled)
            {
                r0.Store(c + i);
                r1.Store(c + i + count);
                r2.Store(c + i + (2 * count));
                r3.Store(c + i + (3 * count));
            }

            i += KernelTuning.UnrolledVectors * count;
        }

        // Fewer than UnrolledVectors whole vectors remain; whatever is left after them is in `end`.
        while (i < last)
        {
            Vector128<T> r = TOp.Invoke(Vector128.Load(a + i), Vector128.Load(b + i));
            r.Store(d + i);
            if (TCopy.Enabled)
            {
                r.Store(c + i);
            }

            i += count;
        }

        end.Store(d + last);
        beg.Store(d);
        if (TCopy.Enabled)
        {
            end.Store(c + last);
            beg.Store(c);
        }
    }
}
