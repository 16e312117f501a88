using Collectives.Kernels;

namespace Collectives.Tests.Kernels;

/// <summary>The (type, op) matrices the kernel tests run over.</summary>
public static class KernelCases
{
    public static readonly ReduceOp[] AllOps =
        [ReduceOp.Sum, ReduceOp.Prod, ReduceOp.Min, ReduceOp.Max, ReduceOp.Avg, ReduceOp.BitAnd, ReduceOp.BitOr, ReduceOp.BitXor];

    public static readonly DataType[] FloatTypes = [DataType.Float32, DataType.Float64, DataType.Float16, DataType.BFloat16];

    /// <summary>Every element type with every op it accepts.</summary>
    public static TheoryData<DataType, ReduceOp> ValidTypeOps()
    {
        var data = new TheoryData<DataType, ReduceOp>();
        foreach (DataType type in DataTypes.All)
        {
            foreach (ReduceOp op in AllOps)
            {
                if (DataTypes.IsInteger(type) || op < ReduceOp.BitAnd)
                {
                    data.Add(type, op);
                }
            }
        }

        return data;
    }

    /// <summary>Bitwise ops on floating-point types, which must be rejected.</summary>
    public static TheoryData<DataType, ReduceOp> BitwiseOnFloats()
    {
        var data = new TheoryData<DataType, ReduceOp>();
        foreach (DataType type in FloatTypes)
        {
            data.Add(type, ReduceOp.BitAnd);
            data.Add(type, ReduceOp.BitOr);
            data.Add(type, ReduceOp.BitXor);
        }

        return data;
    }

    public static TheoryData<DataType> AllTypes() => new(DataTypes.All.ToArray());

    public static TheoryData<DataType> FloatingTypes() => new(FloatTypes);
}
