using System.Runtime.CompilerServices;
using Collectives.Kernels;

namespace Collectives.Cli.Perf;

/// <summary>
/// Scalar conversions between the small integers of the check patterns and every element type,
/// written independently of the library's kernels so the check does not trust what it checks.
/// The type tests fold away after JIT, one branch per instantiation.
/// </summary>
internal static class ElementConvert
{
    /// <summary>
    /// <paramref name="value"/> in <typeparamref name="T"/>: exact for the patterns' magnitudes in
    /// floating types; integer types wrap (two's complement), as their sums do in the kernels.
    /// </summary>
    public static T FromLong<T>(long value)
        where T : unmanaged
    {
        unchecked
        {
            if (typeof(T) == typeof(float)) return As<float, T>(value);
            if (typeof(T) == typeof(double)) return As<double, T>(value);
            if (typeof(T) == typeof(Half)) return As<Half, T>((Half)(float)value);
            if (typeof(T) == typeof(BFloat16)) return As<BFloat16, T>((BFloat16)(float)value);
            if (typeof(T) == typeof(sbyte)) return As<sbyte, T>((sbyte)value);
            if (typeof(T) == typeof(byte)) return As<byte, T>((byte)value);
            if (typeof(T) == typeof(int)) return As<int, T>((int)value);
            if (typeof(T) == typeof(uint)) return As<uint, T>((uint)value);
            if (typeof(T) == typeof(long)) return As<long, T>(value);
            if (typeof(T) == typeof(ulong)) return As<ulong, T>((ulong)value);
        }
        throw Unsupported<T>();
    }

    /// <summary>
    /// Avg's last step on a sum that is already in <typeparamref name="T"/>: float and double
    /// divide in their own type, Half and BFloat16 divide in float and round once, integers
    /// truncate toward zero (the documented semantics of <see cref="ReduceOp.Avg"/>).
    /// </summary>
    public static T Divide<T>(T value, int divisor)
        where T : unmanaged
    {
        unchecked
        {
            if (typeof(T) == typeof(float)) return As<float, T>(As<T, float>(value) / divisor);
            if (typeof(T) == typeof(double)) return As<double, T>(As<T, double>(value) / divisor);
            if (typeof(T) == typeof(Half)) return As<Half, T>((Half)((float)As<T, Half>(value) / divisor));
            if (typeof(T) == typeof(BFloat16)) return As<BFloat16, T>((BFloat16)((float)As<T, BFloat16>(value) / divisor));
            if (typeof(T) == typeof(sbyte)) return As<sbyte, T>((sbyte)(As<T, sbyte>(value) / divisor));
            if (typeof(T) == typeof(byte)) return As<byte, T>((byte)(As<T, byte>(value) / divisor));
            if (typeof(T) == typeof(int)) return As<int, T>(As<T, int>(value) / divisor);
            if (typeof(T) == typeof(uint)) return As<uint, T>(As<T, uint>(value) / (uint)divisor);
            if (typeof(T) == typeof(long)) return As<long, T>(As<T, long>(value) / divisor);
            if (typeof(T) == typeof(ulong)) return As<ulong, T>(As<T, ulong>(value) / (ulong)divisor);
        }
        throw Unsupported<T>();
    }

    /// <summary>
    /// What output buffers hold before a checked call, so an element the collective never wrote
    /// counts as wrong: NaN for floating types (never an expected value), MinValue for integers.
    /// </summary>
    public static T Poison<T>()
        where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return As<float, T>(float.NaN);
        if (typeof(T) == typeof(double)) return As<double, T>(double.NaN);
        if (typeof(T) == typeof(Half)) return As<Half, T>(Half.NaN);
        if (typeof(T) == typeof(BFloat16)) return As<BFloat16, T>(BFloat16.NaN);
        if (typeof(T) == typeof(sbyte)) return As<sbyte, T>(sbyte.MinValue);
        if (typeof(T) == typeof(byte)) return As<byte, T>(byte.MaxValue);
        if (typeof(T) == typeof(int)) return As<int, T>(int.MinValue);
        if (typeof(T) == typeof(uint)) return As<uint, T>(uint.MaxValue);
        if (typeof(T) == typeof(long)) return As<long, T>(long.MinValue);
        if (typeof(T) == typeof(ulong)) return As<ulong, T>(ulong.MaxValue);
        throw Unsupported<T>();
    }

    /// <summary>True for the unsigned integer types, whose patterns stay non-negative.</summary>
    public static bool IsUnsigned(DataType type) => type is DataType.UInt8 or DataType.UInt32 or DataType.UInt64;

    /// <summary>
    /// Largest integer magnitude every partial result must stay within to be exact in the type
    /// (the significand's range); integer types wrap exactly, so they have no limit.
    /// </summary>
    public static long ExactIntegerLimit(DataType type) => type switch
    {
        DataType.BFloat16 => 1L << 8,
        DataType.Float16 => 1L << 11,
        DataType.Float32 => 1L << 24,
        DataType.Float64 => 1L << 53,
        _ => long.MaxValue,
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TTo As<TFrom, TTo>(TFrom value) => Unsafe.As<TFrom, TTo>(ref value);

    private static ArgumentException Unsupported<T>() =>
        new($"Element type {typeof(T).Name} is not one perf benchmarks.", nameof(T));
}
