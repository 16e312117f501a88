using Collectives.Kernels;
using Xunit;

namespace Collectives.Tests.Kernels;

/// <summary>
/// Runs every entry point on one (type, op, data) and compares with the scalar reference:
/// Reduce in place, Reduce a,b→dst (distinct, dst aliasing a, dst aliasing b), ReduceAndCopy
/// (distinct, aliasing a, aliasing b). Checks guards and that read-only inputs are unchanged.
/// </summary>
public sealed class EntryPointChecker
{
    private readonly DataType _type;
    private readonly ReduceOp _op;
    private readonly ReferenceKernel _reference;
    private readonly GuardedBuffer _a, _b, _dst, _copy;

    public EntryPointChecker(DataType type, ReduceOp op, int maxBytes)
    {
        _type = type;
        _op = op;
        _reference = ScalarReference.For(type, op);
        _a = new GuardedBuffer(maxBytes);
        _b = new GuardedBuffer(maxBytes);
        _dst = new GuardedBuffer(maxBytes);
        _copy = new GuardedBuffer(maxBytes);
    }

    /// <param name="everyAliasing">False runs one call per entry point (in place, a,b->b, ReduceAndCopy) for very large buffers.</param>
    public void CheckAll(ReadOnlySpan<byte> a0, ReadOnlySpan<byte> b0, Offsets at, string context, bool everyAliasing = true)
    {
        byte[] expected = new byte[a0.Length];
        _reference(a0, b0, expected);
        byte[] zeros = new byte[a0.Length];

        // Reduce(src, dst): dst = dst op src.
        Span<byte> dst = _dst.Reset(at.Dst, a0);
        Span<byte> src = _b.Reset(at.B, b0);
        ReductionKernels.Reduce(_type, _op, src, dst);
        Verify(a0, b0, expected, dst, context + ", Reduce in place");
        Assert.True(src.SequenceEqual(b0), context + ", Reduce in place changed src");
        AssertGuards(context + ", Reduce in place");

        Span<byte> a, b;
        if (everyAliasing)
        {
            // Reduce(a, b, dst) into a separate buffer.
            a = _a.Reset(at.A, a0);
            b = _b.Reset(at.B, b0);
            dst = _dst.Reset(at.Dst, zeros);
            ReductionKernels.Reduce(_type, _op, a, b, dst);
            Verify(a0, b0, expected, dst, context + ", Reduce a,b->dst");
            Assert.True(a.SequenceEqual(a0) && b.SequenceEqual(b0), context + ", Reduce a,b->dst changed an input");
            AssertGuards(context + ", Reduce a,b->dst");

            // Reduce(a, b, a).
            a = _a.Reset(at.A, a0);
            b = _b.Reset(at.B, b0);
            ReductionKernels.Reduce(_type, _op, a, b, a);
            Verify(a0, b0, expected, a, context + ", Reduce a,b->a");
            Assert.True(b.SequenceEqual(b0), context + ", Reduce a,b->a changed b");
        }

        // Reduce(a, b, b).
        a = _a.Reset(at.A, a0);
        b = _b.Reset(at.B, b0);
        ReductionKernels.Reduce(_type, _op, a, b, b);
        Verify(a0, b0, expected, b, context + ", Reduce a,b->b");
        Assert.True(a.SequenceEqual(a0), context + ", Reduce a,b->b changed a");
        AssertGuards(context + ", Reduce aliasing");

        // ReduceAndCopy into separate dst, then with dst aliasing a and b.
        a = _a.Reset(at.A, a0);
        b = _b.Reset(at.B, b0);
        dst = _dst.Reset(at.Dst, zeros);
        Span<byte> copy = _copy.Reset(at.Copy, zeros);
        ReductionKernels.ReduceAndCopy(_type, _op, a, b, dst, copy);
        Verify(a0, b0, expected, dst, context + ", ReduceAndCopy dst");
        Verify(a0, b0, expected, copy, context + ", ReduceAndCopy copy");
        Assert.True(a.SequenceEqual(a0) && b.SequenceEqual(b0), context + ", ReduceAndCopy changed an input");
        AssertGuards(context + ", ReduceAndCopy");
        if (!everyAliasing)
        {
            return;
        }

        a = _a.Reset(at.A, a0);
        b = _b.Reset(at.B, b0);
        copy = _copy.Reset(at.Copy, zeros);
        ReductionKernels.ReduceAndCopy(_type, _op, a, b, a, copy);
        Verify(a0, b0, expected, a, context + ", ReduceAndCopy a,b->a");
        Verify(a0, b0, expected, copy, context + ", ReduceAndCopy a,b->a copy");

        a = _a.Reset(at.A, a0);
        b = _b.Reset(at.B, b0);
        copy = _copy.Reset(at.Copy, zeros);
        ReductionKernels.ReduceAndCopy(_type, _op, a, b, b, copy);
        Verify(a0, b0, expected, b, context + ", ReduceAndCopy a,b->b");
        Verify(a0, b0, expected, copy, context + ", ReduceAndCopy a,b->b copy");
        AssertGuards(context + ", ReduceAndCopy aliasing");
    }

    private void Verify(ReadOnlySpan<byte> a0, ReadOnlySpan<byte> b0, ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual, string context) =>
        ResultAssert.Equal(_type, _op, a0, b0, expected, actual, context);

    private void AssertGuards(string context)
    {
        _a.AssertGuardsIntact(context + ", a");
        _b.AssertGuardsIntact(context + ", b");
        _dst.AssertGuardsIntact(context + ", dst");
        _copy.AssertGuardsIntact(context + ", copy");
    }
}
