using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using Collectives.Kernels.Loops;
using Collectives.Kernels.Operators;

namespace Collectives.Kernels;

/// <summary>
/// Maps a validated (type, op) pair to its loop instantiation. Runs once per call, not per
/// element; callers have already checked the op, the lengths and the aliasing, so nothing here
/// throws. Avg reduces as Sum (the division happens once, in <see cref="ReductionKernels.Divide(DataType, Span{byte}, int)"/>).
/// </summary>
internal static unsafe class ReduceDispatch
{
    /// <summary><c>d[i] = a[i] op b[i]</c> (and <c>c[i]</c> too when <typeparamref name="TCopy"/> says so) for <paramref name="count"/> elements.</summary>
    public static void Run<TCopy>(DataType type, ReduceOp op, byte* a, byte* b, byte* d, byte* c, nuint count)
        where TCopy : ICopyPolicy
    {
        switch (type)
        {
            case DataType.Float32: Run<float, TCopy>(op, (float*)a, (float*)b, (float*)d, (float*)c, count); break;
            case DataType.Float64: Run<double, TCopy>(op, (double*)a, (double*)b, (double*)d, (double*)c, count); break;
            case DataType.Float16: Run<Half, TCopy>(op, (Half*)a, (Half*)b, (Half*)d, (Half*)c, count); break;
            case DataType.BFloat16: Run<BFloat16, TCopy>(op, (BFloat16*)a, (BFloat16*)b, (BFloat16*)d, (BFloat16*)c, count); break;
            case DataType.Int8: Run<sbyte, TCopy>(op, (sbyte*)a, (sbyte*)b, (sbyte*)d, (sbyte*)c, count); break;
            case DataType.UInt8: Run<byte, TCopy>(op, a, b, d, c, count); break;
            case DataType.Int32: Run<int, TCopy>(op, (int*)a, (int*)b, (int*)d, (int*)c, count); break;
            case DataType.UInt32: Run<uint, TCopy>(op, (uint*)a, (uint*)b, (uint*)d, (uint*)c, count); break;
            case DataType.Int64: Run<long, TCopy>(op, (long*)a, (long*)b, (long*)d, (long*)c, count); break;
            case DataType.UInt64: Run<ulong, TCopy>(op, (ulong*)a, (ulong*)b, (ulong*)d, (ulong*)c, count); break;
            default: Debug.Fail($"unvalidated type {type}"); break;
        }
    }

    /// <summary>
    /// The typed form: <typeparamref name="T"/> is a JIT-time constant, so every test below folds
    /// away and a typed caller pays for one switch on the op only.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Run<T, TCopy>(ReduceOp op, T* a, T* b, T* d, T* c, nuint count)
        where T : unmanaged
        where TCopy : ICopyPolicy
    {
        if (typeof(T) == typeof(float)) Floating<float, TCopy>(op, (float*)a, (float*)b, (float*)d, (float*)c, count);
        else if (typeof(T) == typeof(double)) Floating<double, TCopy>(op, (double*)a, (double*)b, (double*)d, (double*)c, count);
        else if (typeof(T) == typeof(Half)) Float16<HalfCodec, TCopy>(op, (ushort*)a, (ushort*)b, (ushort*)d, (ushort*)c, count);
        else if (typeof(T) == typeof(BFloat16)) Float16<BFloat16Codec, TCopy>(op, (ushort*)a, (ushort*)b, (ushort*)d, (ushort*)c, count);
        else if (typeof(T) == typeof(sbyte)) Integer<sbyte, TCopy>(op, (sbyte*)a, (sbyte*)b, (sbyte*)d, (sbyte*)c, count);
        else if (typeof(T) == typeof(byte)) Integer<byte, TCopy>(op, (byte*)a, (byte*)b, (byte*)d, (byte*)c, count);
        else if (typeof(T) == typeof(int)) Integer<int, TCopy>(op, (int*)a, (int*)b, (int*)d, (int*)c, count);
        else if (typeof(T) == typeof(uint)) Integer<uint, TCopy>(op, (uint*)a, (uint*)b, (uint*)d, (uint*)c, count);
        else if (typeof(T) == typeof(long)) Integer<long, TCopy>(op, (long*)a, (long*)b, (long*)d, (long*)c, count);
        else if (typeof(T) == typeof(ulong)) Integer<ulong, TCopy>(op, (ulong*)a, (ulong*)b, (ulong*)d, (ulong*)c, count);
        else Debug.Fail($"unvalidated element type {typeof(T)}");
    }

    private static void Floating<T, TCopy>(ReduceOp op, T* a, T* b, T* d, T* c, nuint count)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TCopy : ICopyPolicy
    {
        switch (op)
        {
            case ReduceOp.Sum or ReduceOp.Avg: ReduceLoop.Run<T, SumOperator<T>, TCopy>(a, b, d, c, count); break;
            case ReduceOp.Prod: ReduceLoop.Run<T, ProdOperator<T>, TCopy>(a, b, d, c, count); break;
            case ReduceOp.Min: ReduceLoop.Run<T, MinOperator<T>, TCopy>(a, b, d, c, count); break;
            case ReduceOp.Max: ReduceLoop.Run<T, MaxOperator<T>, TCopy>(a, b, d, c, count); break;
            default: Debug.Fail($"unvalidated op {op} for floating point"); break;
        }
    }

    private static void Float16<TCodec, TCopy>(ReduceOp op, ushort* a, ushort* b, ushort* d, ushort* c, nuint count)
        where TCodec : IFloat16Codec
        where TCopy : ICopyPolicy
    {
        switch (op)
        {
            case ReduceOp.Sum or ReduceOp.Avg: ReduceLoop.Run<ushort, WidenedOperator<TCodec, SumOperator<float>>, TCopy>(a, b, d, c, count); break;
            case ReduceOp.Prod: ReduceLoop.Run<ushort, WidenedOperator<TCodec, ProdOperator<float>>, TCopy>(a, b, d, c, count); break;
            case ReduceOp.Min: ReduceLoop.Run<ushort, WidenedOperator<TCodec, MinOperator<float>>, TCopy>(a, b, d, c, count); break;
            case ReduceOp.Max: ReduceLoop.Run<ushort, WidenedOperator<TCodec, MaxOperator<float>>, TCopy>(a, b, d, c, count); break;
            default: Debug.Fail($"unvalidated op {op} for a 16-bit float"); break;
        }
    }

    private static void Integer<T, TCopy>(ReduceOp op, T* a, T* b, T* d, T* c, nuint count)
        where T : unmanaged, IBinaryInteger<T>
        where TCopy : ICopyPolicy
    {
        switch (op)
        {
            case ReduceOp.Sum or ReduceOp.Avg: ReduceLoop.Run<T, SumOperator<T>, TCopy>(a, b, d, c, count); break;
            case ReduceOp.Prod: ReduceLoop.Run<T, ProdOperator<T>, TCopy>(a, b, d, c, count); break;
            case ReduceOp.Min: ReduceLoop.Run<T, MinOperator<T>, TCopy>(a, b, d, c, count); break;
            case ReduceOp.Max: ReduceLoop.Run<T, MaxOperator<T>, TCopy>(a, b, d, c, count); break;
            case ReduceOp.BitAnd: ReduceLoop.Run<T, BitAndOperator<T>, TCopy>(a, b, d, c, count); break;
            case ReduceOp.BitOr: ReduceLoop.Run<T, BitOrOperator<T>, TCopy>(a, b, d, c, count); break;
            case ReduceOp.BitXor: ReduceLoop.Run<T, BitXorOperator<T>, TCopy>(a, b, d, c, count); break;
            default: Debug.Fail($"unvalidated op {op}"); break;
        }
    }
}
