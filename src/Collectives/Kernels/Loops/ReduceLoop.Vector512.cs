using System.Runtime.Intrinsics;
using Collectives.Kernels.Operators;

namespace Collectives.Kernels.Loops;

// The 512-bit body of ReduceLoop; the three widths differ only in the vector type.
internal static unsafe partial class ReduceLoop
{
    /// <summary>Requires <paramref name="length"/> &gt;= <see cref="Vector512{T}.Count"/>.</summary>
    internal static void Vectorized512<T, TOp, TCopy>(T* a, T* b, T* d, T* c, nuint length)
        where T : unmanaged
        where TOp : IReduceOperator<T>
        where TCopy : ICopyPolicy
    {
        nuint count = (nuint)Vector512<T>.Count;
        nuint last = length - count;

        // Both end vectors are reduced before the first store: d may be a or b, and these two
        // stores, done last, overlap elements the main loop has already overwritten.
        Vector512<T> beg = TOp.Invoke(Vector512.Load(a), Vector512.Load(b));
        Vector512<T> end = TOp.Invoke(Vector512.Load(a + last), Vector512.Load(b + last));

        nuint i = MainLoopStart(d, length, (nuint)Vector512<byte>.Count);
        while (i + (KernelTuning.UnrolledVectors * count) <= length)
        {
            Vector512<T> r0 = TOp.Invoke(Vector512.Load(a + i), Vector512.Load(b + i));
            Vector512<T> r1 = TOp.Invoke(Vector512.Load(a + i + count), Vector512.Load(b + i + count));
            Vector512<T> r2 = TOp.Invoke(Vector512.Load(a + i + (2 * count)), Vector512.Load(b + i + (2 * count)));
            Vector512<T> r3 = TOp.Invoke(Vector512.Load(a + i + (3 * count)), Vector512.Load(b + i + (3 * count)));
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
            Vector512<T> r = TOp.Invoke(Vector512.Load(a + i), Vector512.Load(b + i));
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
