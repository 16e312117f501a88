using Collectives.Kernels;
using Xunit;

namespace Collectives.Tests.Kernels;

/// <summary>Caller misuse is an ArgumentException at the public edge, with a message that says what to fix.</summary>
public sealed class ValidationTests
{
    [Theory]
    [MemberData(nameof(KernelCases.BitwiseOnFloats), MemberType = typeof(KernelCases))]
    public void BitwiseOpOnFloatType_Throws_NamingOpTypeAndRule(DataType type, ReduceOp op)
    {
        Assert.False(ReductionKernels.IsValidOp(type, op));
        var error = Assert.Throws<ArgumentException>(() => ReductionKernels.ValidateOp(type, op));
        Assert.Contains(op.ToString(), error.Message);
        Assert.Contains(DataTypes.Name(type), error.Message);
        Assert.Contains("integer types only", error.Message);

        byte[] buffer = new byte[16];
        error = Assert.Throws<ArgumentException>(() => ReductionKernels.Reduce(type, op, buffer, new byte[16]));
        Assert.Contains("integer types only", error.Message);
        Assert.Throws<ArgumentException>(() => ReductionKernels.Reduce(type, op, buffer, new byte[16], new byte[16]));
        Assert.Throws<ArgumentException>(() => ReductionKernels.ReduceAndCopy(type, op, buffer, new byte[16], new byte[16], new byte[16]));
    }

    [Fact]
    public void BitwiseOpOnFloatType_ThroughTypedApi_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => ReductionKernels.Reduce<float>(ReduceOp.BitXor, new float[4], new float[4]));
        Assert.Contains("BitXor", error.Message);
        Assert.Contains("float", error.Message);
        Assert.Throws<ArgumentException>(() => ReductionKernels.Reduce<BFloat16>(ReduceOp.BitOr, new BFloat16[4], new BFloat16[4], new BFloat16[4]));
        Assert.Throws<ArgumentException>(() => ReductionKernels.ReduceAndCopy<Half>(ReduceOp.BitAnd, new Half[4], new Half[4], new Half[4], new Half[4]));
    }

    [Theory]
    [MemberData(nameof(KernelCases.ValidTypeOps), MemberType = typeof(KernelCases))]
    public void ValidCombination_IsAccepted(DataType type, ReduceOp op)
    {
        Assert.True(ReductionKernels.IsValidOp(type, op));
        ReductionKernels.ValidateOp(type, op);
    }

    [Fact]
    public void UndefinedEnumValues_AreRejected()
    {
        Assert.False(ReductionKernels.IsValidOp((DataType)0, ReduceOp.Sum));
        Assert.False(ReductionKernels.IsValidOp((DataType)11, ReduceOp.Sum));
        Assert.False(ReductionKernels.IsValidOp(DataType.Int32, (ReduceOp)8));
        var error = Assert.Throws<ArgumentException>(() => ReductionKernels.ValidateOp(DataType.Int32, (ReduceOp)200));
        Assert.Contains("ReduceOp(200)", error.Message);
        error = Assert.Throws<ArgumentException>(() => ReductionKernels.ValidateOp((DataType)99, ReduceOp.Sum));
        Assert.Contains("DataType(99)", error.Message);
        Assert.Throws<ArgumentException>(() => ReductionKernels.Reduce((DataType)99, ReduceOp.Sum, new byte[4], new byte[4]));
        Assert.Throws<ArgumentException>(() => ReductionKernels.Divide((DataType)99, new byte[4], 2));
    }

    [Fact]
    public void MismatchedLengths_Throw()
    {
        var error = Assert.Throws<ArgumentException>(() => ReductionKernels.Reduce(DataType.Float32, ReduceOp.Sum, new byte[8], new byte[12]));
        Assert.Contains("same length", error.Message);
        Assert.Throws<ArgumentException>(() => ReductionKernels.Reduce(DataType.Int32, ReduceOp.Sum, new byte[8], new byte[12], new byte[12]));
        Assert.Throws<ArgumentException>(() => ReductionKernels.Reduce(DataType.Int32, ReduceOp.Sum, new byte[12], new byte[8], new byte[12]));
        Assert.Throws<ArgumentException>(() => ReductionKernels.ReduceAndCopy(DataType.Int32, ReduceOp.Sum, new byte[12], new byte[12], new byte[12], new byte[8]));
        error = Assert.Throws<ArgumentException>(() => ReductionKernels.Reduce<double>(ReduceOp.Max, new double[3], new double[4]));
        Assert.Contains("3 elements", error.Message);
        Assert.Throws<ArgumentException>(() => ReductionKernels.Reduce<long>(ReduceOp.Sum, new long[4], new long[4], new long[5]));
        Assert.Throws<ArgumentException>(() => ReductionKernels.ReduceAndCopy<long>(ReduceOp.Sum, new long[4], new long[4], new long[4], new long[3]));
    }

    [Fact]
    public void LengthNotWholeElements_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => ReductionKernels.Reduce(DataType.Float64, ReduceOp.Sum, new byte[12], new byte[12]));
        Assert.Contains("not a whole number of 8-byte double elements", error.Message);
        Assert.Throws<ArgumentException>(() => ReductionKernels.Divide(DataType.BFloat16, new byte[3], 2));
    }

    [Fact]
    public void PartialOverlap_Throws_ExactAliasIsAllowed()
    {
        byte[] memory = new byte[64];
        Assert.Throws<ArgumentException>(() => ReductionKernels.Reduce(DataType.Int32, ReduceOp.Sum, memory.AsSpan(0, 32), memory.AsSpan(4, 32)));
        Assert.Throws<ArgumentException>(() => ReductionKernels.Reduce(DataType.Int32, ReduceOp.Sum, memory.AsSpan(4, 32), memory.AsSpan(0, 32), memory.AsSpan(8, 32)));
        Assert.Throws<ArgumentException>(() => ReductionKernels.Reduce(DataType.Float32, ReduceOp.Sum, memory.AsSpan(0, 16), memory.AsSpan(1, 16)));
        Assert.Throws<ArgumentException>(() => ReductionKernels.Reduce<int>(ReduceOp.Sum, new int[8].AsSpan(0, 4), new int[8].AsSpan(0, 4), new int[8]));

        int[] ints = new int[8];
        Assert.Throws<ArgumentException>(() => ReductionKernels.Reduce<int>(ReduceOp.Sum, ints.AsSpan(0, 4), ints.AsSpan(2, 4)));

        // Exact aliasing is the in-place case and is fine.
        ReductionKernels.Reduce(DataType.Int32, ReduceOp.Sum, memory.AsSpan(0, 32), memory.AsSpan(0, 32));
        ReductionKernels.Reduce(DataType.Int32, ReduceOp.Sum, memory.AsSpan(0, 32), memory.AsSpan(32, 32), memory.AsSpan(0, 32));
    }

    [Fact]
    public void CopyOverlappingAnyBuffer_Throws()
    {
        byte[] m = new byte[128];
        Span<byte> a = m.AsSpan(0, 32), b = m.AsSpan(32, 32), dst = m.AsSpan(64, 32);
        Assert.Throws<ArgumentException>(() => ReductionKernels.ReduceAndCopy(DataType.Int32, ReduceOp.Sum, m.AsSpan(0, 32), m.AsSpan(32, 32), m.AsSpan(64, 32), m.AsSpan(0, 32)));
        Assert.Throws<ArgumentException>(() => ReductionKernels.ReduceAndCopy(DataType.Int32, ReduceOp.Sum, m.AsSpan(0, 32), m.AsSpan(32, 32), m.AsSpan(64, 32), m.AsSpan(48, 32)));
        Assert.Throws<ArgumentException>(() => ReductionKernels.ReduceAndCopy(DataType.Int32, ReduceOp.Sum, m.AsSpan(0, 32), m.AsSpan(32, 32), m.AsSpan(64, 32), m.AsSpan(80, 32)));
        ReductionKernels.ReduceAndCopy(DataType.Int32, ReduceOp.Sum, a, b, dst, m.AsSpan(96, 32));
    }

    [Fact]
    public void DivisorBelowOne_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ReductionKernels.Divide(DataType.Float32, new byte[8], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ReductionKernels.Divide<int>(new int[2], -1));
    }

    [Fact]
    public void UnsupportedElementType_Throws()
    {
        Assert.Throws<ArgumentException>(() => ReductionKernels.Reduce<short>(ReduceOp.Sum, new short[2], new short[2]));
        Assert.Throws<ArgumentException>(() => ReductionKernels.Divide<char>(new char[2], 2));
    }

    [Fact]
    public void EmptyBuffers_AreFine()
    {
        ReductionKernels.Reduce(DataType.Float32, ReduceOp.Sum, ReadOnlySpan<byte>.Empty, Span<byte>.Empty);
        ReductionKernels.Reduce(DataType.BFloat16, ReduceOp.Max, ReadOnlySpan<byte>.Empty, ReadOnlySpan<byte>.Empty, Span<byte>.Empty);
        ReductionKernels.ReduceAndCopy(DataType.Int8, ReduceOp.BitXor, ReadOnlySpan<byte>.Empty, ReadOnlySpan<byte>.Empty, Span<byte>.Empty, Span<byte>.Empty);
        ReductionKernels.Divide(DataType.Float16, Span<byte>.Empty, 3);
    }
}
