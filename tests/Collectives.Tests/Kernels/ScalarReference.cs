using System.Numerics;
using System.Runtime.InteropServices;
using Collectives.Kernels;

namespace Collectives.Tests.Kernels;

/// <summary>
/// Scalar reference arithmetic, written independently of the library: floats compute <c>a op b</c>
/// in their own type; Half and BFloat16 compute in float and round once; integers wrap; Min/Max
/// follow IEEE 754-2019 minimum/maximum spelled out below.
/// </summary>
public static class ScalarReference
{
    public static ReferenceKernel For(DataType type, ReduceOp op) => type switch
    {
        DataType.Float32 => Elementwise(Floating<float>(op)),
        DataType.Float64 => Elementwise(Floating<double>(op)),
        DataType.Float16 => Elementwise<Half>((x, y) => (Half)Floating<float>(op)((float)x, (float)y)),
        DataType.BFloat16 => Elementwise<BFloat16>((x, y) => (BFloat16)Floating<float>(op)((float)x, (float)y)),
        DataType.Int8 => Elementwise(Integer<sbyte>(op)),
        DataType.UInt8 => Elementwise(Integer<byte>(op)),
        DataType.Int32 => Elementwise(Integer<int>(op)),
        DataType.UInt32 => Elementwise(Integer<uint>(op)),
        DataType.Int64 => Elementwise(Integer<long>(op)),
        DataType.UInt64 => Elementwise(Integer<ulong>(op)),
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    /// <summary>Reference Avg finalisation: true division for floats, truncation toward zero for integers.</summary>
    public static void Divide(DataType type, Span<byte> data, int divisor)
    {
        switch (type)
        {
            case DataType.Float32: Map<float>(data, x => x / divisor); break;
            case DataType.Float64: Map<double>(data, x => x / divisor); break;
            case DataType.Float16: Map<Half>(data, x => (Half)((float)x / divisor)); break;
            case DataType.BFloat16: Map<BFloat16>(data, x => (BFloat16)((float)x / divisor)); break;
            case DataType.Int8: Map<sbyte>(data, x => (sbyte)(x / divisor)); break;
            case DataType.UInt8: Map<byte>(data, x => (byte)(x / divisor)); break;
            case DataType.Int32: Map<int>(data, x => x / divisor); break;
            case DataType.UInt32: Map<uint>(data, x => x / (uint)divisor); break;
            case DataType.Int64: Map<long>(data, x => x / divisor); break;
            case DataType.UInt64: Map<ulong>(data, x => x / (ulong)divisor); break;
            default: throw new ArgumentOutOfRangeException(nameof(type));
        }
    }

    public static T IeeeMinimum<T>(T x, T y)
        where T : IFloatingPointIeee754<T>
    {
        if (T.IsNaN(x)) return x;
        if (T.IsNaN(y)) return y;
        if (x < y) return x;
        if (y < x) return y;
        return T.IsNegative(x) ? x : y; // equal: only ±0 differ, and -0 is the smaller
    }

    public static T IeeeMaximum<T>(T x, T y)
        where T : IFloatingPointIeee754<T>
    {
        if (T.IsNaN(x)) return x;
        if (T.IsNaN(y)) return y;
        if (x > y) return x;
        if (y > x) return y;
        return T.IsNegative(x) ? y : x;
    }

    private static Func<T, T, T> Floating<T>(ReduceOp op)
        where T : IFloatingPointIeee754<T> => op switch
        {
            ReduceOp.Sum or ReduceOp.Avg => (x, y) => x + y,
            ReduceOp.Prod => (x, y) => x * y,
            ReduceOp.Min => IeeeMinimum,
            ReduceOp.Max => IeeeMaximum,
            _ => throw new ArgumentOutOfRangeException(nameof(op)),
        };

    private static Func<T, T, T> Integer<T>(ReduceOp op)
        where T : IBinaryInteger<T> => op switch
        {
            ReduceOp.Sum or ReduceOp.Avg => (x, y) => unchecked(x + y),
            ReduceOp.Prod => (x, y) => unchecked(x * y),
            ReduceOp.Min => (x, y) => x < y ? x : y,
            ReduceOp.Max => (x, y) => x > y ? x : y,
            ReduceOp.BitAnd => (x, y) => x & y,
            ReduceOp.BitOr => (x, y) => x | y,
            ReduceOp.BitXor => (x, y) => x ^ y,
            _ => throw new ArgumentOutOfRangeException(nameof(op)),
        };

    private static ReferenceKernel Elementwise<T>(Func<T, T, T> f)
        where T : unmanaged => (a, b, result) =>
        {
            ReadOnlySpan<T> x = MemoryMarshal.Cast<byte, T>(a), y = MemoryMarshal.Cast<byte, T>(b);
            Span<T> r = MemoryMarshal.Cast<byte, T>(result);
            for (int i = 0; i < r.Length; i++)
            {
                r[i] = f(x[i], y[i]);
            }
        };

    private static void Map<T>(Span<byte> data, Func<T, T> f)
        where T : unmanaged
    {
        Span<T> values = MemoryMarshal.Cast<byte, T>(data);
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = f(values[i]);
        }
    }
}
