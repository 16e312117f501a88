using System.Runtime.InteropServices;
using Collectives.Kernels;

namespace Collectives.Tests.Harness;

/// <summary>
/// Scalar helpers over every element type, for building inputs and serial references. Values
/// are small integers, exact in every type (BFloat16 holds integers up to 256 exactly), so any
/// reduction order gives the same bits and the reference is exact.
/// </summary>
internal static class ElementType
{
    public static T FromLong<T>(long value)
        where T : unmanaged
    {
        unchecked
        {
            object boxed = DataTypes.Of<T>() switch
            {
                DataType.Float32 => (float)value,
                DataType.Float64 => (double)value,
                DataType.Float16 => (Half)(float)value,
                DataType.BFloat16 => (BFloat16)(float)value,
                DataType.Int8 => (sbyte)value,
                DataType.UInt8 => (byte)value,
                DataType.Int32 => (int)value,
                DataType.UInt32 => (uint)value,
                DataType.Int64 => value,
                DataType.UInt64 => (ulong)value,
                _ => throw new ArgumentOutOfRangeException(nameof(T)),
            };
            return (T)boxed;
        }
    }

    /// <summary>Avg's final step, written independently of the kernels: divide in the type's arithmetic.</summary>
    public static T DivideBy<T>(T value, int divisor)
        where T : unmanaged
    {
        object boxed = value switch
        {
            float f => f / divisor,
            double d => d / divisor,
            Half h => (Half)((float)h / divisor),
            BFloat16 b => (BFloat16)((float)b / divisor),
            sbyte s => (sbyte)(s / divisor),
            byte b => (byte)(b / divisor),
            int i => i / divisor,
            uint u => u / (uint)divisor,
            long l => l / divisor,
            ulong u => u / (ulong)divisor,
            _ => throw new ArgumentOutOfRangeException(nameof(value)),
        };
        return (T)boxed;
    }

    public static bool IsUnsigned<T>() => typeof(T) == typeof(byte) || typeof(T) == typeof(uint) || typeof(T) == typeof(ulong);

    /// <summary>Index of the first element whose bits differ, or -1.</summary>
    public static int FirstDifference<T>(ReadOnlySpan<T> expected, ReadOnlySpan<T> actual)
        where T : unmanaged
    {
        if (expected.Length != actual.Length)
        {
            return Math.Min(expected.Length, actual.Length);
        }
        ReadOnlySpan<byte> e = MemoryMarshal.AsBytes(expected);
        ReadOnlySpan<byte> a = MemoryMarshal.AsBytes(actual);
        int mismatch = e.CommonPrefixLength(a);
        return mismatch == e.Length ? -1 : mismatch / System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
    }

    public static void AssertBitsEqual<T>(ReadOnlySpan<T> expected, ReadOnlySpan<T> actual, string what)
        where T : unmanaged
    {
        int index = FirstDifference(expected, actual);
        if (index >= 0)
        {
            string e = index < expected.Length ? expected[index].ToString()! : "(none)";
            string a = index < actual.Length ? actual[index].ToString()! : "(none)";
            Assert.Fail($"{what}: element {index} of {expected.Length} differs: expected {e}, got {a}.");
        }
    }
}
