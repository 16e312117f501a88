using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Collectives.Kernels.Loops;
using Collectives.Kernels.Operators;

namespace Collectives.Kernels;

/// <summary>
/// Element-wise reduction kernels over host memory: the arithmetic under every collective.
/// </summary>
/// <remarks>
/// <para>Every entry point validates its arguments here and then runs a loop that neither allocates
/// nor throws. Loops use the widest accelerated vector (512, 256 or 128 bits).</para>
/// <para>Arithmetic: integers wrap (Sum, Prod) and divide with truncation toward zero. float and
/// double round once per element in their own type. Half and BFloat16 widen to float, reduce, and
/// round once per element and call (once per reduction step), to nearest even; results are bit-identical to
/// <c>(Half)((float)a op (float)b)</c>.</para>
/// <para>Min and Max follow IEEE 754-2019 <c>minimum</c>/<c>maximum</c>, the same rule as
/// <see cref="Math.Min(double, double)"/>: if either input is NaN the result is NaN, and -0 is
/// smaller than +0. Avg reduces as Sum; call <see cref="Divide(DataType, Span{byte}, int)"/> once at
/// the end.</para>
/// <para>Only the bitwise ops (BitAnd, BitOr, BitXor) are restricted: they apply to integer types only.</para>
/// </remarks>
public static unsafe class ReductionKernels
{
    /// <summary>True when <paramref name="op"/> can reduce elements of <paramref name="type"/>.</summary>
    public static bool IsValidOp(DataType type, ReduceOp op) =>
        DataTypes.IsDefined(type) && op <= ReduceOp.BitXor && (op < ReduceOp.BitAnd || DataTypes.IsInteger(type));

    /// <summary>Throws unless <paramref name="op"/> can reduce elements of <paramref name="type"/>.</summary>
    /// <exception cref="ArgumentException">A bitwise op on float, double, Half or BFloat16, or an undefined type or op.</exception>
    public static void ValidateOp(DataType type, ReduceOp op)
    {
        if (!IsValidOp(type, op))
        {
            KernelThrow.InvalidOp(type, op);
        }
    }

    /// <summary><c>dst[i] = dst[i] op src[i]</c>. Avg reduces as Sum.</summary>
    /// <remarks><paramref name="src"/> may be exactly <paramref name="dst"/>, or disjoint from it.</remarks>
    /// <exception cref="ArgumentException">Invalid op for the type, lengths that differ or are not whole elements, or partial overlap.</exception>
    public static void Reduce(DataType type, ReduceOp op, ReadOnlySpan<byte> src, Span<byte> dst)
    {
        ValidateOp(type, op);
        nuint count = ElementCount(type, nameof(dst), dst.Length);
        CheckSameLength(type, nameof(src), src.Length, nameof(dst), dst.Length, "bytes");
        fixed (byte* s = src, d = dst)
        {
            CheckExactOrDisjoint(s, d, (nuint)dst.Length, nameof(src), nameof(dst));
            ReduceDispatch.Run<NoCopy>(type, op, d, s, d, null, count);
        }
    }

    /// <summary><c>dst[i] = a[i] op b[i]</c>. Avg reduces as Sum.</summary>
    /// <remarks><paramref name="dst"/> may be exactly <paramref name="a"/> or exactly <paramref name="b"/>, but must not partially overlap either.</remarks>
    /// <exception cref="ArgumentException">Invalid op for the type, lengths that differ or are not whole elements, or partial overlap.</exception>
    public static void Reduce(DataType type, ReduceOp op, ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> dst)
    {
        ValidateOp(type, op);
        nuint count = ElementCount(type, nameof(dst), dst.Length);
        CheckSameLength(type, nameof(a), a.Length, nameof(dst), dst.Length, "bytes");
        CheckSameLength(type, nameof(b), b.Length, nameof(dst), dst.Length, "bytes");
        fixed (byte* pa = a, pb = b, pd = dst)
        {
            CheckExactOrDisjoint(pa, pd, (nuint)dst.Length, nameof(a), nameof(dst));
            CheckExactOrDisjoint(pb, pd, (nuint)dst.Length, nameof(b), nameof(dst));
            ReduceDispatch.Run<NoCopy>(type, op, pa, pb, pd, null, count);
        }
    }

    /// <summary>
    /// <c>dst[i] = copy[i] = a[i] op b[i]</c>: a ring step that reduces into its own buffer and into
    /// the next hop's send buffer in one pass over memory. Avg reduces as Sum.
    /// </summary>
    /// <remarks><paramref name="dst"/> may be exactly <paramref name="a"/> or <paramref name="b"/>; <paramref name="copy"/> must be disjoint from all three.</remarks>
    /// <exception cref="ArgumentException">Invalid op for the type, lengths that differ or are not whole elements, or overlap.</exception>
    public static void ReduceAndCopy(DataType type, ReduceOp op, ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> dst, Span<byte> copy)
    {
        ValidateOp(type, op);
        nuint count = ElementCount(type, nameof(dst), dst.Length);
        CheckSameLength(type, nameof(a), a.Length, nameof(dst), dst.Length, "bytes");
        CheckSameLength(type, nameof(b), b.Length, nameof(dst), dst.Length, "bytes");
        CheckSameLength(type, nameof(copy), copy.Length, nameof(dst), dst.Length, "bytes");
        fixed (byte* pa = a, pb = b, pd = dst, pc = copy)
        {
            CheckExactOrDisjoint(pa, pd, (nuint)dst.Length, nameof(a), nameof(dst));
            CheckExactOrDisjoint(pb, pd, (nuint)dst.Length, nameof(b), nameof(dst));
            CheckDisjointCopy(pc, pa, pb, pd, (nuint)dst.Length);
            ReduceDispatch.Run<AlsoCopy>(type, op, pa, pb, pd, pc, count);
        }
    }

    /// <summary>
    /// Avg finalisation, <c>data[i] = data[i] / divisor</c>. float and double divide in their own
    /// type (true division); Half and BFloat16 widen to float, divide and round once; integers
    /// divide with truncation toward zero, like C# <c>/</c>.
    /// </summary>
    /// <remarks>A float divisor is exact up to 2^24 ranks.</remarks>
    /// <exception cref="ArgumentException">An undefined type, or a length that is not whole elements.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="divisor"/> is less than 1.</exception>
    public static void Divide(DataType type, Span<byte> data, int divisor)
    {
        if (!DataTypes.IsDefined(type))
        {
            KernelThrow.UndefinedType(type);
        }

        if (divisor < 1)
        {
            KernelThrow.DivisorTooSmall(divisor);
        }

        nuint count = ElementCount(type, nameof(data), data.Length);
        DivideCore(type, data, count, divisor);
    }

    /// <summary>Typed <see cref="Reduce(DataType, ReduceOp, ReadOnlySpan{byte}, Span{byte})"/>: <c>dst[i] = dst[i] op src[i]</c>.</summary>
    public static void Reduce<T>(ReduceOp op, ReadOnlySpan<T> src, Span<T> dst)
        where T : unmanaged
    {
        DataType type = DataTypes.Of<T>();
        ValidateOp(type, op);
        CheckSameLength(type, nameof(src), src.Length, nameof(dst), dst.Length, "elements");
        fixed (T* s = src, d = dst)
        {
            CheckExactOrDisjoint(s, d, (nuint)dst.Length * (nuint)sizeof(T), nameof(src), nameof(dst));
            ReduceDispatch.Run<T, NoCopy>(op, d, s, d, null, (nuint)dst.Length);
        }
    }

    /// <summary>Typed <see cref="Reduce(DataType, ReduceOp, ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte})"/>: <c>dst[i] = a[i] op b[i]</c>.</summary>
    public static void Reduce<T>(ReduceOp op, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> dst)
        where T : unmanaged
    {
        DataType type = DataTypes.Of<T>();
        ValidateOp(type, op);
        CheckSameLength(type, nameof(a), a.Length, nameof(dst), dst.Length, "elements");
        CheckSameLength(type, nameof(b), b.Length, nameof(dst), dst.Length, "elements");
        fixed (T* pa = a, pb = b, pd = dst)
        {
            nuint bytes = (nuint)dst.Length * (nuint)sizeof(T);
            CheckExactOrDisjoint(pa, pd, bytes, nameof(a), nameof(dst));
            CheckExactOrDisjoint(pb, pd, bytes, nameof(b), nameof(dst));
            ReduceDispatch.Run<T, NoCopy>(op, pa, pb, pd, null, (nuint)dst.Length);
        }
    }

    /// <summary>Typed <see cref="ReduceAndCopy(DataType, ReduceOp, ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte}, Span{byte})"/>: <c>dst[i] = copy[i] = a[i] op b[i]</c>.</summary>
    public static void ReduceAndCopy<T>(ReduceOp op, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> dst, Span<T> copy)
        where T : unmanaged
    {
        DataType type = DataTypes.Of<T>();
        ValidateOp(type, op);
        CheckSameLength(type, nameof(a), a.Length, nameof(dst), dst.Length, "elements");
        CheckSameLength(type, nameof(b), b.Length, nameof(dst), dst.Length, "elements");
        CheckSameLength(type, nameof(copy), copy.Length, nameof(dst), dst.Length, "elements");
        fixed (T* pa = a, pb = b, pd = dst, pc = copy)
        {
            nuint bytes = (nuint)dst.Length * (nuint)sizeof(T);
            CheckExactOrDisjoint(pa, pd, bytes, nameof(a), nameof(dst));
            CheckExactOrDisjoint(pb, pd, bytes, nameof(b), nameof(dst));
            CheckDisjointCopy(pc, pa, pb, pd, bytes);
            ReduceDispatch.Run<T, AlsoCopy>(op, pa, pb, pd, pc, (nuint)dst.Length);
        }
    }

    /// <summary>Typed <see cref="Divide(DataType, Span{byte}, int)"/>: <c>data[i] = data[i] / divisor</c>.</summary>
    public static void Divide<T>(Span<T> data, int divisor)
        where T : unmanaged
    {
        DataType type = DataTypes.Of<T>();
        if (divisor < 1)
        {
            KernelThrow.DivisorTooSmall(divisor);
        }

        DivideCore(type, MemoryMarshal.AsBytes(data), (nuint)data.Length, divisor);
    }

    private static void DivideCore(DataType type, Span<byte> data, nuint count, int divisor)
    {
        switch (type)
        {
            case DataType.Float32:
                Span<float> floats = MemoryMarshal.Cast<byte, float>(data);
                TensorPrimitives.Divide(floats, (float)divisor, floats);
                break;
            case DataType.Float64:
                Span<double> doubles = MemoryMarshal.Cast<byte, double>(data);
                TensorPrimitives.Divide(doubles, divisor, doubles);
                break;
            case DataType.Float16:
                fixed (byte* p = data)
                {
                    UnaryLoop.RunInPlace((ushort*)p, count, new Float16DivideOperator<HalfCodec>(divisor));
                }

                break;
            case DataType.BFloat16:
                fixed (byte* p = data)
                {
                    UnaryLoop.RunInPlace((ushort*)p, count, new Float16DivideOperator<BFloat16Codec>(divisor));
                }

                break;
            case DataType.Int8:
                // 8-bit integers divide in int: the rank count may exceed the element type's range.
                foreach (ref sbyte value in MemoryMarshal.Cast<byte, sbyte>(data))
                {
                    value = (sbyte)(value / divisor);
                }

                break;
            case DataType.UInt8:
                foreach (ref byte value in data)
                {
                    value = (byte)(value / divisor);
                }

                break;
            case DataType.Int32:
                Span<int> ints = MemoryMarshal.Cast<byte, int>(data);
                TensorPrimitives.Divide(ints, divisor, ints);
                break;
            case DataType.UInt32:
                Span<uint> uints = MemoryMarshal.Cast<byte, uint>(data);
                TensorPrimitives.Divide(uints, (uint)divisor, uints);
                break;
            case DataType.Int64:
                Span<long> longs = MemoryMarshal.Cast<byte, long>(data);
                TensorPrimitives.Divide(longs, divisor, longs);
                break;
            case DataType.UInt64:
                Span<ulong> ulongs = MemoryMarshal.Cast<byte, ulong>(data);
                TensorPrimitives.Divide(ulongs, (ulong)divisor, ulongs);
                break;
        }
    }

    private static nuint ElementCount(DataType type, string name, int byteLength)
    {
        int elementSize = DataTypes.SizeOf(type);
        if (byteLength % elementSize != 0)
        {
            KernelThrow.NotWholeElements(type, name, byteLength);
        }

        return (nuint)(byteLength / elementSize);
    }

    private static void CheckSameLength(DataType type, string name, int length, string otherName, int otherLength, string unit)
    {
        if (length != otherLength)
        {
            KernelThrow.LengthMismatch(type, name, length, otherName, otherLength, unit);
        }
    }

    // Pointer arithmetic instead of MemoryExtensions.Overlaps: this runs on every call of the hot path.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CheckExactOrDisjoint(void* input, void* dst, nuint bytes, string name, string dstName)
    {
        nuint forward = (nuint)dst - (nuint)input;
        if (forward != 0 && (forward < bytes || (nuint)input - (nuint)dst < bytes))
        {
            KernelThrow.PartialOverlap(dstName, name);
        }
    }

    private static void CheckDisjointCopy(void* copy, void* a, void* b, void* dst, nuint bytes)
    {
        if (Overlap(copy, a, bytes))
        {
            KernelThrow.CopyOverlaps(nameof(a));
        }

        if (Overlap(copy, b, bytes))
        {
            KernelThrow.CopyOverlaps(nameof(b));
        }

        if (Overlap(copy, dst, bytes))
        {
            KernelThrow.CopyOverlaps(nameof(dst));
        }
    }

    // Two ranges of the same length overlap when either starts inside the other.
    private static bool Overlap(void* x, void* y, nuint bytes) => (nuint)y - (nuint)x < bytes || (nuint)x - (nuint)y < bytes;
}
