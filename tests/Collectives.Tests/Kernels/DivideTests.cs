using Collectives.Kernels;
using Xunit;

namespace Collectives.Tests.Kernels;

/// <summary>Avg finalisation: true division for floats (rounded once for 16-bit types), truncation toward zero for integers.</summary>
public sealed class DivideTests
{
    private static readonly int[] Divisors = [1, 2, 3, 7, 100, 128, 300, 3001, int.MaxValue];

    [Theory]
    [MemberData(nameof(KernelCases.AllTypes), MemberType = typeof(KernelCases))]
    public void Divide_MatchesReference_ForManyLengthsOffsetsAndDivisors(DataType type)
    {
        var random = new Random(77 + (int)type);
        int size = DataTypes.SizeOf(type);
        var buffer = new GuardedBuffer((4099 * size) + 64);
        int[] lengths = [.. Enumerable.Range(0, 70), 1000, 4099];
        int[] offsets = size > 1 ? [0, size, 1] : [0, 1, 3];
        foreach (int divisor in Divisors)
        {
            foreach (int length in lengths)
            {
                foreach (int offset in offsets)
                {
                    byte[] input = TestData.Create(type, length, random);
                    byte[] expected = (byte[])input.Clone();
                    ScalarReference.Divide(type, expected, divisor);

                    Span<byte> data = buffer.Reset(offset, input);
                    ReductionKernels.Divide(type, data, divisor);
                    string context = $"Divide by {divisor}, length {length}, offset {offset}";
                    ResultAssert.Equal(type, ReduceOp.Avg, input, input, expected, data, context);
                    buffer.AssertGuardsIntact(context);
                }
            }
        }
    }

    [Fact]
    public void IntegerDivision_TruncatesTowardZero()
    {
        int[] ints = [-7, 7, -1, 1, int.MinValue, int.MaxValue, -6];
        ReductionKernels.Divide<int>(ints, 2);
        Assert.Equal([-3, 3, 0, 0, -1073741824, 1073741823, -3], ints);

        long[] longs = [-7, 7, -2, long.MinValue];
        ReductionKernels.Divide<long>(longs, 3);
        Assert.Equal([-2L, 2, 0, long.MinValue / 3], longs);

        sbyte[] sbytes = [-128, 127, -1, -5];
        ReductionKernels.Divide<sbyte>(sbytes, 2);
        Assert.Equal([(sbyte)-64, (sbyte)63, (sbyte)0, (sbyte)-2], sbytes);

        // A rank count beyond the 8-bit range still divides exactly.
        sbytes = [-128, 127, -127];
        ReductionKernels.Divide<sbyte>(sbytes, 128);
        Assert.Equal([(sbyte)-1, (sbyte)0, (sbyte)0], sbytes);
        byte[] bytes = [255, 10];
        ReductionKernels.Divide<byte>(bytes, 300);
        Assert.Equal([(byte)0, (byte)0], bytes);
    }

    [Fact]
    public void AvgOfTwoRanks_IsSumThenOneDivision()
    {
        int[] rank0 = [1, -1, 5], rank1 = [2, -2, 6];
        ReductionKernels.Reduce<int>(ReduceOp.Avg, rank1, rank0);
        ReductionKernels.Divide<int>(rank0, 2);
        Assert.Equal([1, -1, 5], rank0);

        BFloat16[] x = [(BFloat16)1f, (BFloat16)3f], y = [(BFloat16)2f, (BFloat16)(-3f)];
        ReductionKernels.Reduce<BFloat16>(ReduceOp.Avg, y, x);
        ReductionKernels.Divide<BFloat16>(x, 2);
        Assert.Equal([(BFloat16)1.5f, (BFloat16)0f], x);
    }

    [Fact]
    public void HalfDivisor_AboveHalfPrecision_IsStillExact()
    {
        // 2049 is not representable in Half; the divisor must stay a float.
        Half[] values = [(Half)60000f];
        ReductionKernels.Divide<Half>(values, 2049);
        Assert.Equal((Half)(60000f / 2049f), values[0]);
        Assert.NotEqual((Half)(60000f / 2048f), values[0]);
    }
}
