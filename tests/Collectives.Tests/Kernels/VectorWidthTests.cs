using System.Runtime.InteropServices;
using Collectives.Kernels;
using Collectives.Kernels.Loops;
using Collectives.Kernels.Operators;
using Xunit;

namespace Collectives.Tests.Kernels;

/// <summary>
/// Runs each vector width's loop directly, whatever this machine accelerates: a machine without
/// AVX-512 still checks the 512-bit loop (the runtime emulates the vectors in software), and one
/// with it still checks the 128-bit loop. Lengths span one vector to past the unrolled loop.
/// </summary>
public sealed unsafe class VectorWidthTests
{
    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (string name in Runners.Keys)
        {
            foreach (int width in new[] { 128, 256, 512 })
            {
                data.Add(name, width);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void WidthLoop_MatchesReference(string name, int width) => Runners[name](width);

    private static readonly Dictionary<string, Action<int>> Runners = new()
    {
        ["float Sum"] = w => Check<float, SumOperator<float>>(DataType.Float32, ReduceOp.Sum, w),
        ["float Prod"] = w => Check<float, ProdOperator<float>>(DataType.Float32, ReduceOp.Prod, w),
        ["float Min"] = w => Check<float, MinOperator<float>>(DataType.Float32, ReduceOp.Min, w),
        ["float Max"] = w => Check<float, MaxOperator<float>>(DataType.Float32, ReduceOp.Max, w),
        ["double Sum"] = w => Check<double, SumOperator<double>>(DataType.Float64, ReduceOp.Sum, w),
        ["double Min"] = w => Check<double, MinOperator<double>>(DataType.Float64, ReduceOp.Min, w),
        ["double Max"] = w => Check<double, MaxOperator<double>>(DataType.Float64, ReduceOp.Max, w),
        ["Half Sum"] = w => Check<ushort, WidenedOperator<HalfCodec, SumOperator<float>>>(DataType.Float16, ReduceOp.Sum, w),
        ["Half Prod"] = w => Check<ushort, WidenedOperator<HalfCodec, ProdOperator<float>>>(DataType.Float16, ReduceOp.Prod, w),
        ["Half Min"] = w => Check<ushort, WidenedOperator<HalfCodec, MinOperator<float>>>(DataType.Float16, ReduceOp.Min, w),
        ["Half Max"] = w => Check<ushort, WidenedOperator<HalfCodec, MaxOperator<float>>>(DataType.Float16, ReduceOp.Max, w),
        ["BFloat16 Sum"] = w => Check<ushort, WidenedOperator<BFloat16Codec, SumOperator<float>>>(DataType.BFloat16, ReduceOp.Sum, w),
        ["BFloat16 Prod"] = w => Check<ushort, WidenedOperator<BFloat16Codec, ProdOperator<float>>>(DataType.BFloat16, ReduceOp.Prod, w),
        ["BFloat16 Min"] = w => Check<ushort, WidenedOperator<BFloat16Codec, MinOperator<float>>>(DataType.BFloat16, ReduceOp.Min, w),
        ["BFloat16 Max"] = w => Check<ushort, WidenedOperator<BFloat16Codec, MaxOperator<float>>>(DataType.BFloat16, ReduceOp.Max, w),
        ["sbyte Prod"] = w => Check<sbyte, ProdOperator<sbyte>>(DataType.Int8, ReduceOp.Prod, w),
        ["sbyte Min"] = w => Check<sbyte, MinOperator<sbyte>>(DataType.Int8, ReduceOp.Min, w),
        ["byte Sum"] = w => Check<byte, SumOperator<byte>>(DataType.UInt8, ReduceOp.Sum, w),
        ["byte Max"] = w => Check<byte, MaxOperator<byte>>(DataType.UInt8, ReduceOp.Max, w),
        ["byte BitXor"] = w => Check<byte, BitXorOperator<byte>>(DataType.UInt8, ReduceOp.BitXor, w),
        ["int Sum"] = w => Check<int, SumOperator<int>>(DataType.Int32, ReduceOp.Sum, w),
        ["int Min"] = w => Check<int, MinOperator<int>>(DataType.Int32, ReduceOp.Min, w),
        ["uint Max"] = w => Check<uint, MaxOperator<uint>>(DataType.UInt32, ReduceOp.Max, w),
        ["uint Prod"] = w => Check<uint, ProdOperator<uint>>(DataType.UInt32, ReduceOp.Prod, w),
        ["long Prod"] = w => Check<long, ProdOperator<long>>(DataType.Int64, ReduceOp.Prod, w),
        ["long Min"] = w => Check<long, MinOperator<long>>(DataType.Int64, ReduceOp.Min, w),
        ["ulong Max"] = w => Check<ulong, MaxOperator<ulong>>(DataType.UInt64, ReduceOp.Max, w),
        ["ulong Prod"] = w => Check<ulong, ProdOperator<ulong>>(DataType.UInt64, ReduceOp.Prod, w),
        ["ulong BitAnd"] = w => Check<ulong, BitAndOperator<ulong>>(DataType.UInt64, ReduceOp.BitAnd, w),
        ["ulong BitOr"] = w => Check<ulong, BitOrOperator<ulong>>(DataType.UInt64, ReduceOp.BitOr, w),
    };

    private static void Check<T, TOp>(DataType type, ReduceOp op, int width)
        where T : unmanaged
        where TOp : IReduceOperator<T>
    {
        var random = new Random((width * 100) + ReduceEntryPointTests.Seed(type, op));
        ReferenceKernel reference = ScalarReference.For(type, op);
        int perVector = width / 8 / sizeof(T);
        int maxLength = (perVector * ((KernelTuning.UnrolledVectors * 2) + 3)) + 1;
        // Long enough for the destination-alignment start too.
        int[] extra = [(KernelTuning.AlignDestinationMinBytes / sizeof(T)) + perVector + 1];
        foreach (int length in Enumerable.Range(perVector, maxLength - perVector + 1).Concat(extra))
        {
            foreach (int offset in new[] { 0, 1, 3 })
            {
                // Offsets in elements; 1 and 3 leave the destination misaligned.
                T[] a = new T[length + offset], b = new T[length + offset], d = new T[length + offset + 1], c = new T[length + 1];
                TestData.Fill(type, MemoryMarshal.AsBytes(a.AsSpan(offset)), random);
                TestData.Fill(type, MemoryMarshal.AsBytes(b.AsSpan(offset)), random);
                byte[] a0 = MemoryMarshal.AsBytes(a.AsSpan(offset)).ToArray(), b0 = MemoryMarshal.AsBytes(b.AsSpan(offset)).ToArray();
                byte[] expected = new byte[a0.Length];
                reference(a0, b0, expected);
                string context = $"{width}-bit loop, length {length}, offset {offset}";

                fixed (T* pa = &a[offset], pb = &b[offset], pd = &d[offset], pc = c)
                {
                    Run<T, TOp, AlsoCopy>(width, pa, pb, pd, pc, (nuint)length);
                    ResultAssert.Equal(type, op, a0, b0, expected, MemoryMarshal.AsBytes(d.AsSpan(offset, length)), context + " dst");
                    ResultAssert.Equal(type, op, a0, b0, expected, MemoryMarshal.AsBytes(c.AsSpan(0, length)), context + " copy");
                    Assert.True(d[^1].Equals(default(T)) && c[^1].Equals(default(T)), context + ": wrote past the end");

                    Run<T, TOp, NoCopy>(width, pa, pb, pa, null, (nuint)length);
                    ResultAssert.Equal(type, op, a0, b0, expected, MemoryMarshal.AsBytes(a.AsSpan(offset, length)), context + " in place");
                }
            }
        }
    }

    private static void Run<T, TOp, TCopy>(int width, T* a, T* b, T* d, T* c, nuint length)
        where T : unmanaged
        where TOp : IReduceOperator<T>
        where TCopy : ICopyPolicy
    {
        switch (width)
        {
            case 128: ReduceLoop.Vectorized128<T, TOp, TCopy>(a, b, d, c, length); break;
            case 256: ReduceLoop.Vectorized256<T, TOp, TCopy>(a, b, d, c, length); break;
            case 512: ReduceLoop.Vectorized512<T, TOp, TCopy>(a, b, d, c, length); break;
            default: throw new ArgumentOutOfRangeException(nameof(width));
        }
    }

    [Fact]
    public void ScalarLoop_MatchesReference()
    {
        var random = new Random(5);
        ReferenceKernel reference = ScalarReference.For(DataType.BFloat16, ReduceOp.Sum);
        ushort[] a = new ushort[100], b = new ushort[100], d = new ushort[100];
        TestData.Fill(DataType.BFloat16, MemoryMarshal.AsBytes(a.AsSpan()), random);
        TestData.Fill(DataType.BFloat16, MemoryMarshal.AsBytes(b.AsSpan()), random);
        byte[] expected = new byte[200];
        reference(MemoryMarshal.AsBytes(a.AsSpan()), MemoryMarshal.AsBytes(b.AsSpan()), expected);
        fixed (ushort* pa = a, pb = b, pd = d)
        {
            ReduceLoop.Scalar<ushort, WidenedOperator<BFloat16Codec, SumOperator<float>>, NoCopy>(pa, pb, pd, null, 100);
        }

        ResultAssert.Equal(DataType.BFloat16, ReduceOp.Sum, MemoryMarshal.AsBytes(a.AsSpan()), MemoryMarshal.AsBytes(b.AsSpan()), expected, MemoryMarshal.AsBytes(d.AsSpan()), "scalar loop");
    }
}
