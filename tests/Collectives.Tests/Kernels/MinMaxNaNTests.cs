using System.Runtime.InteropServices;
using Collectives.Kernels;
using Xunit;

namespace Collectives.Tests.Kernels;

/// <summary>
/// The Min/Max rule (IEEE 754-2019 minimum/maximum, as Math.Min/Math.Max): a NaN in either input
/// makes the result NaN, and -0 &lt; +0; for every float type, with the special value in the scalar
/// path (short buffers), in the vector body, and in the overlapping tail vector.
/// </summary>
public sealed class MinMaxNaNTests
{
    // Short (scalar-only), one vector plus a bit, and long enough for the unrolled loop.
    private static readonly int[] Lengths = [3, 37, 300];

    public static TheoryData<DataType, ReduceOp> Cases()
    {
        var data = new TheoryData<DataType, ReduceOp>();
        foreach (DataType type in KernelCases.FloatTypes)
        {
            data.Add(type, ReduceOp.Min);
            data.Add(type, ReduceOp.Max);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void NaN_InEitherOrBothInputs_PropagatesEverywhere(DataType type, ReduceOp op)
    {
        foreach (int length in Lengths)
        {
            foreach (int position in Positions(length))
            {
                foreach (NaNSide side in Enum.GetValues<NaNSide>())
                {
                    double[] dst = Ramp(length, 1.0), src = Ramp(length, 2.0);
                    if (side is NaNSide.Dst or NaNSide.Both) dst[position] = double.NaN;
                    if (side is NaNSide.Src or NaNSide.Both) src[position] = double.NaN;

                    byte[] dstBytes = Encode(type, dst), srcBytes = Encode(type, src);
                    ReductionKernels.Reduce(type, op, srcBytes, dstBytes);
                    double[] result = Decode(type, dstBytes);

                    for (int i = 0; i < length; i++)
                    {
                        string where = $"{DataTypes.Name(type)} {op} length {length}, NaN in {side} at {position}, element {i}";
                        if (i == position)
                        {
                            Assert.True(double.IsNaN(result[i]), where + ": expected NaN, got " + result[i]);
                        }
                        else
                        {
                            Assert.Equal(op == ReduceOp.Min ? Math.Min(dst[i], src[i]) : Math.Max(dst[i], src[i]), result[i]);
                        }
                    }
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void SignedZeros_MinusZeroIsSmaller_InBothOperandOrders(DataType type, ReduceOp op)
    {
        foreach (int length in Lengths)
        {
            double[] dst = new double[length], src = new double[length];
            for (int i = 0; i < length; i++)
            {
                // Alternate which side holds -0 so both operand orders are exercised in every path.
                (dst[i], src[i]) = i % 2 == 0 ? (-0.0, 0.0) : (0.0, -0.0);
            }

            byte[] dstBytes = Encode(type, dst);
            ReductionKernels.Reduce(type, op, Encode(type, src), dstBytes);
            double[] result = Decode(type, dstBytes);
            for (int i = 0; i < length; i++)
            {
                bool negative = double.IsNegative(result[i]);
                Assert.True(result[i] == 0 && negative == (op == ReduceOp.Min),
                    $"{DataTypes.Name(type)} {op} length {length} element {i}: got {(negative ? "-0" : "+0")}");
            }
        }
    }

    private enum NaNSide { Src, Dst, Both }

    // First element, an element inside the vector body, and the last three (the overlapping tail).
    private static int[] Positions(int length) => [.. new[] { 0, length / 2, length - 3, length - 2, length - 1 }.Distinct()];

    private static double[] Ramp(int length, double start)
    {
        var values = new double[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (i % 7 == 0 ? -1 : 1) * (start + (i % 13)); // small integers: exact in every float type
        }

        return values;
    }

    private static byte[] Encode(DataType type, double[] values) => type switch
    {
        DataType.Float32 => MemoryMarshal.AsBytes(values.Select(v => (float)v).ToArray().AsSpan()).ToArray(),
        DataType.Float64 => MemoryMarshal.AsBytes(values.AsSpan()).ToArray(),
        DataType.Float16 => MemoryMarshal.AsBytes(values.Select(v => (Half)v).ToArray().AsSpan()).ToArray(),
        DataType.BFloat16 => MemoryMarshal.AsBytes(values.Select(v => (BFloat16)v).ToArray().AsSpan()).ToArray(),
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    private static double[] Decode(DataType type, byte[] bytes) => type switch
    {
        DataType.Float32 => MemoryMarshal.Cast<byte, float>(bytes).ToArray().Select(v => (double)v).ToArray(),
        DataType.Float64 => MemoryMarshal.Cast<byte, double>(bytes).ToArray(),
        DataType.Float16 => MemoryMarshal.Cast<byte, Half>(bytes).ToArray().Select(v => (double)v).ToArray(),
        DataType.BFloat16 => MemoryMarshal.Cast<byte, BFloat16>(bytes).ToArray().Select(v => (double)v).ToArray(),
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };
}
