using System.Runtime.InteropServices;
using Collectives.Kernels;
using Xunit;

namespace Collectives.Tests.Kernels;

/// <summary>The generic Span&lt;T&gt; overloads reach the same kernels as the byte-level API.</summary>
public sealed class TypedApiTests
{
    [Theory]
    [MemberData(nameof(KernelCases.ValidTypeOps), MemberType = typeof(KernelCases))]
    public void TypedOverloads_MatchReference(DataType type, ReduceOp op)
    {
        switch (type)
        {
            case DataType.Float32: Check<float>(type, op); break;
            case DataType.Float64: Check<double>(type, op); break;
            case DataType.Float16: Check<Half>(type, op); break;
            case DataType.BFloat16: Check<BFloat16>(type, op); break;
            case DataType.Int8: Check<sbyte>(type, op); break;
            case DataType.UInt8: Check<byte>(type, op); break;
            case DataType.Int32: Check<int>(type, op); break;
            case DataType.UInt32: Check<uint>(type, op); break;
            case DataType.Int64: Check<long>(type, op); break;
            case DataType.UInt64: Check<ulong>(type, op); break;
        }
    }

    private static void Check<T>(DataType type, ReduceOp op)
        where T : unmanaged
    {
        Assert.Equal(type, DataTypes.Of<T>());
        var random = new Random(ReduceEntryPointTests.Seed(type, op) + 3);
        ReferenceKernel reference = ScalarReference.For(type, op);
        foreach (int length in new[] { 0, 1, 5, 31, 64, 100, 257, 1025 })
        {
            // One element into a larger array, so the spans start misaligned.
            T[] a = new T[length + 1], b = new T[length + 1];
            TestData.Fill(type, MemoryMarshal.AsBytes(a.AsSpan(1)), random);
            TestData.Fill(type, MemoryMarshal.AsBytes(b.AsSpan(1)), random);
            byte[] a0 = MemoryMarshal.AsBytes(a.AsSpan(1)).ToArray(), b0 = MemoryMarshal.AsBytes(b.AsSpan(1)).ToArray();
            byte[] expected = new byte[a0.Length];
            reference(a0, b0, expected);
            string context = $"typed {typeof(T).Name}, length {length}";

            T[] dst = new T[length + 1], copy = new T[length];
            ReductionKernels.Reduce<T>(op, a.AsSpan(1), b.AsSpan(1), dst.AsSpan(1));
            ResultAssert.Equal(type, op, a0, b0, expected, MemoryMarshal.AsBytes(dst.AsSpan(1)), context + " a,b->dst");

            ReductionKernels.ReduceAndCopy<T>(op, a.AsSpan(1), b.AsSpan(1), dst.AsSpan(1), copy);
            ResultAssert.Equal(type, op, a0, b0, expected, MemoryMarshal.AsBytes(copy.AsSpan()), context + " copy");

            ReductionKernels.Reduce<T>(op, b.AsSpan(1), a.AsSpan(1));
            ResultAssert.Equal(type, op, a0, b0, expected, MemoryMarshal.AsBytes(a.AsSpan(1)), context + " in place");
        }
    }
}
