namespace Collectives;

/// <summary>The reduction applied element by element by AllReduce, ReduceScatter and Reduce.</summary>
public enum ReduceOp : byte
{
    /// <summary>Sum of all ranks' elements.</summary>
    Sum = 0,
    /// <summary>Product of all ranks' elements.</summary>
    Prod = 1,
    /// <summary>Smallest element; for floating point a NaN on any rank makes the result NaN.</summary>
    Min = 2,
    /// <summary>Largest element; for floating point a NaN on any rank makes the result NaN.</summary>
    Max = 3,
    /// <summary>
    /// Sum, then one division by the number of ranks at the end. Integer types divide with
    /// truncation toward zero (C# integer division), so the average of 1 and 2 is 1 and of -1 and -2 is -1.
    /// </summary>
    Avg = 4,
    /// <summary>Bitwise AND; integer element types only.</summary>
    BitAnd = 5,
    /// <summary>Bitwise OR; integer element types only.</summary>
    BitOr = 6,
    /// <summary>Bitwise XOR; integer element types only.</summary>
    BitXor = 7,
}
