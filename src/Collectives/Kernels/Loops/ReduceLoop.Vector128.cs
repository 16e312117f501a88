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
        if (TOp.IsComputeBound)
        {
            Compact128<T, TOp, TCopy>(a, b, d, c, length);
            return;
        }

        nuint count = (nuint)Vector128<T>.Count;
        nuint last = length - count;

        // Both end vectors are reduced before the first store: d may be a or b, and these two
        // stores, done last, overlap elements the main loop has already overwritten.
        Vector128<T> beg = TOp.Invoke(Vector128.Load(a), Vector128.Load(b));
        Vector128<T> end = TOp.Invoke(Vector128.Load(a + last), Vector128.Load(b + last));

        // The loop walks the buffers with pointers (one add per buffer per iteration, no address
        // arithmetic per vector) and stores each vector as soon as it is reduced, so only one result
        // is live at a time. Storing before the next loads is safe in place: each vector's store
        // covers only elements no later vector reads.
        nuint start = MainLoopStart(d, length, (nuint)Vector128<byte>.Count);
        T* pa = a + start, pb = b + start, pd = d + start, pc = TCopy.Enabled ? c + start : null;
        for (nuint blocks = (length - start) / (KernelTuning.UnrolledVectors * count); blocks != 0; blocks--)
        {
            Vector128<T> r0 = TOp.Invoke(Vector128.Load(pa), Vector128.Load(pb));
            r0.Store(pd);
            if (TCopy.Enabled)
            {
                r0.Store(pc);
            }

            Vector128<T> r1 = TOp.Invoke(Vector128.Load(pa + count), Vector128.Load(pb + count));
            r1.Store(pd + count);
            if (TCopy.Enabled)
            {
                r1.Store(pc + count);
            }

            Vector128<T> r2 = TOp.Invoke(Vector128.Load(pa + (2 * count)), Vector128.Load(pb + (2 * count)));
            r2.Store(pd + (2 * count));
            if (TCopy.Enabled)
            {
                r2.Store(pc + (2 * count));
            }

            Vector128<T> r3 = TOp.Invoke(Vector128.Load(pa + (3 * count)), Vector128.Load(pb + (3 * count)));
            r3.Store(pd + (3 * count));
            if (TCopy.Enabled)
            {
                r3.Store(pc + (3 * count));
            }

            Vector128<T> r4 = TOp.Invoke(Vector128.Load(pa + (4 * count)), Vector128.Load(pb + (4 * count)));
            r4.Store(pd + (4 * count));
            if (TCopy.Enabled)
            {
                r4.Store(pc + (4 * count));
            }

            Vector128<T> r5 = TOp.Invoke(Vector128.Load(pa + (5 * count)), Vector128.Load(pb + (5 * count)));
            r5.Store(pd + (5 * count));
            if (TCopy.Enabled)
            {
                r5.Store(pc + (5 * count));
            }

            Vector128<T> r6 = TOp.Invoke(Vector128.Load(pa + (6 * count)), Vector128.Load(pb + (6 * count)));
            r6.Store(pd + (6 * count));
            if (TCopy.Enabled)
            {
                r6.Store(pc + (6 * count));
            }

            Vector128<T> r7 = TOp.Invoke(Vector128.Load(pa + (7 * count)), Vector128.Load(pb + (7 * count)));
            r7.Store(pd + (7 * count));
            if (TCopy.Enabled)
            {
                r7.Store(pc + (7 * count));
            }

            pa += KernelTuning.UnrolledVectors * count;
            pb += KernelTuning.UnrolledVectors * count;
            pd += KernelTuning.UnrolledVectors * count;
            if (TCopy.Enabled)
            {
                pc += KernelTuning.UnrolledVectors * count;
            }
        }

        // Fewer than UnrolledVectors whole vectors remain; whatever is left after them is in `end`.
        for (T* lastStart = d + last; pd < lastStart; pa += count, pb += count, pd += count)
        {
            Vector128<T> r = TOp.Invoke(Vector128.Load(pa), Vector128.Load(pb));
            r.Store(pd);
            if (TCopy.Enabled)
            {
                r.Store(pc);
                pc += count;
            }
        }

        end.Store(d + last);
        beg.Store(d);
        if (TCopy.Enabled)
        {
            end.Store(c + last);
            beg.Store(c);
        }
    }

    /// <summary>
    /// The loop for compute-bound operators: one vector per iteration from the start, and the
    /// last (overlapping) vector reduced by the same loop in a final pass from inputs loaded before
    /// any store, so the operator's long body is compiled exactly once.
    /// </summary>
    internal static void Compact128<T, TOp, TCopy>(T* a, T* b, T* d, T* c, nuint length)
        where T : unmanaged
        where TOp : IReduceOperator<T>
        where TCopy : ICopyPolicy
    {
        nuint count = (nuint)Vector128<T>.Count;
        nuint last = length - count;
        Vector128<T> endA = Vector128.Load(a + last), endB = Vector128.Load(b + last);
        for (nuint i = 0; ; i += count)
        {
            bool final = i >= last;
            nuint at = final ? last : i;
            Vector128<T> r = TOp.Invoke(final ? endA : Vector128.Load(a + i), final ? endB : Vector128.Load(b + i));
            r.Store(d + at);
            if (TCopy.Enabled)
            {
                r.Store(c + at);
            }

            if (final)
            {
                break;
            }
        }
    }
}
