using System.Diagnostics.CodeAnalysis;

namespace Collectives.Kernels;

/// <summary>
/// Builds and throws the argument errors of <see cref="ReductionKernels"/>, out of line, so the
/// public entry points stay small enough to inline their checks.
/// </summary>
internal static class KernelThrow
{
    private const string IntegerTypes = "sbyte, byte, int, uint, long, ulong";

    [DoesNotReturn]
    public static void InvalidOp(DataType type, ReduceOp op)
    {
        if (!DataTypes.IsDefined(type))
        {
            throw new ArgumentException(
                $"{DataTypes.Name(type)} is not a defined element type; use one of float, double, Half, BFloat16, {IntegerTypes}.",
                nameof(type));
        }

        if (op > ReduceOp.BitXor)
        {
            throw new ArgumentException(
                $"ReduceOp({(byte)op}) is not a defined reduction; use Sum, Prod, Min, Max, Avg, BitAnd, BitOr or BitXor.",
                nameof(op));
        }

        throw new ArgumentException(
            $"ReduceOp.{op} cannot reduce {DataTypes.Name(type)} elements: bitwise ops apply to integer types only ({IntegerTypes}).",
            nameof(op));
    }

    [DoesNotReturn]
    public static void UndefinedType(DataType type) =>
        throw new ArgumentException(
            $"{DataTypes.Name(type)} is not a defined element type; use one of float, double, Half, BFloat16, {IntegerTypes}.",
            nameof(type));

    [DoesNotReturn]
    public static void NotWholeElements(DataType type, string name, int byteLength) =>
        throw new ArgumentException(
            $"{name} is {byteLength} bytes, which is not a whole number of {DataTypes.SizeOf(type)}-byte {DataTypes.Name(type)} elements.",
            name);

    [DoesNotReturn]
    public static void LengthMismatch(DataType type, string name, int length, string otherName, int otherLength, string unit) =>
        throw new ArgumentException(
            $"{name} is {length} {unit} but {otherName} is {otherLength} {unit}; every buffer of one {DataTypes.Name(type)} reduction must have the same length.",
            name);

    [DoesNotReturn]
    public static void PartialOverlap(string name, string otherName) =>
        throw new ArgumentException(
            $"{name} partially overlaps {otherName}; pass exactly the same memory (in place) or disjoint buffers.",
            name);

    [DoesNotReturn]
    public static void CopyOverlaps(string otherName) =>
        throw new ArgumentException($"copy overlaps {otherName}; the copy destination must be disjoint from every other buffer.", "copy");

    [DoesNotReturn]
    public static void DivisorTooSmall(int divisor) =>
        throw new ArgumentOutOfRangeException(nameof(divisor), divisor, "The Avg divisor is the number of ranks and must be at least 1.");
}
