using System.Runtime.CompilerServices;

namespace Collectives.Kernels;

/// <summary>Maps CLR element types to <see cref="DataType"/> and answers questions about them.</summary>
public static class DataTypes
{
    /// <summary>The <see cref="DataType"/> of <typeparamref name="T"/>; folds to a constant after JIT.</summary>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> is not an element type collectives carry.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static DataType Of<T>()
    {
        if (typeof(T) == typeof(float)) return DataType.Float32;
        if (typeof(T) == typeof(double)) return DataType.Float64;
        if (typeof(T) == typeof(Half)) return DataType.Float16;
        if (typeof(T) == typeof(BFloat16)) return DataType.BFloat16;
        if (typeof(T) == typeof(sbyte)) return DataType.Int8;
        if (typeof(T) == typeof(byte)) return DataType.UInt8;
        if (typeof(T) == typeof(int)) return DataType.Int32;
        if (typeof(T) == typeof(uint)) return DataType.UInt32;
        if (typeof(T) == typeof(long)) return DataType.Int64;
        if (typeof(T) == typeof(ulong)) return DataType.UInt64;
        throw Unsupported(typeof(T));
    }

    /// <summary>True when <typeparamref name="T"/> is one of the supported element types.</summary>
    public static bool IsSupported<T>() =>
        typeof(T) == typeof(float) || typeof(T) == typeof(double) || typeof(T) == typeof(Half) ||
        typeof(T) == typeof(BFloat16) || typeof(T) == typeof(sbyte) || typeof(T) == typeof(byte) ||
        typeof(T) == typeof(int) || typeof(T) == typeof(uint) || typeof(T) == typeof(long) ||
        typeof(T) == typeof(ulong);

    /// <summary>Size of one element in bytes.</summary>
    public static int SizeOf(DataType type) => type switch
    {
        DataType.Int8 or DataType.UInt8 => 1,
        DataType.Float16 or DataType.BFloat16 => 2,
        DataType.Float32 or DataType.Int32 or DataType.UInt32 => 4,
        DataType.Float64 or DataType.Int64 or DataType.UInt64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not a defined DataType"),
    };

    /// <summary>True for the integer types, the only ones the bitwise ops apply to.</summary>
    public static bool IsInteger(DataType type) => type is DataType.Int8 or DataType.UInt8 or
        DataType.Int32 or DataType.UInt32 or DataType.Int64 or DataType.UInt64;

    /// <summary>True when <paramref name="value"/> names a defined <see cref="DataType"/>; used by the frame parser.</summary>
    public static bool IsDefined(DataType value) => value is >= DataType.Float32 and <= DataType.UInt64;

    /// <summary>The C# name of the element type, for error messages ("float", "BFloat16").</summary>
    public static string Name(DataType type) => type switch
    {
        DataType.Float32 => "float",
        DataType.Float64 => "double",
        DataType.Float16 => "Half",
        DataType.BFloat16 => "BFloat16",
        DataType.Int8 => "sbyte",
        DataType.UInt8 => "byte",
        DataType.Int32 => "int",
        DataType.UInt32 => "uint",
        DataType.Int64 => "long",
        DataType.UInt64 => "ulong",
        _ => $"DataType({(byte)type})",
    };

    /// <summary>Every supported type, in wire order.</summary>
    public static ReadOnlySpan<DataType> All => [DataType.Float32, DataType.Float64, DataType.Float16,
        DataType.BFloat16, DataType.Int8, DataType.UInt8, DataType.Int32, DataType.UInt32,
        DataType.Int64, DataType.UInt64];

    private static ArgumentException Unsupported(Type type) => new(
        $"Element type {type.Name} is not supported by collectives; use one of float, double, Half, " +
        "BFloat16, sbyte, byte, int, uint, long, ulong.", "T");
}
