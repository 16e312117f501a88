using Collectives.Kernels;

namespace Collectives.Cli.Perf;

/// <summary>Element types by nccl-tests' names ("float", "bfloat16", "int8", ...), plus common aliases.</summary>
internal static class DataTypeNames
{
    /// <summary>The names -d accepts; the first of each entry is the one tables print.</summary>
    private static readonly (DataType Type, string[] Names)[] Table =
    [
        (DataType.Float32, ["float", "float32", "f32", "fp32"]),
        (DataType.Float64, ["double", "float64", "f64", "fp64"]),
        (DataType.Float16, ["half", "float16", "f16", "fp16"]),
        (DataType.BFloat16, ["bfloat16", "bf16"]),
        (DataType.Int8, ["int8", "char", "sbyte", "i8"]),
        (DataType.UInt8, ["uint8", "byte", "u8"]),
        (DataType.Int32, ["int32", "int", "i32"]),
        (DataType.UInt32, ["uint32", "uint", "u32"]),
        (DataType.Int64, ["int64", "long", "i64"]),
        (DataType.UInt64, ["uint64", "ulong", "u64"]),
    ];

    public static string Name(DataType type)
    {
        foreach ((DataType candidate, string[] names) in Table)
        {
            if (candidate == type)
            {
                return names[0];
            }
        }
        throw new ArgumentOutOfRangeException(nameof(type), type, "not a defined DataType");
    }

    public static bool TryParse(string text, out DataType type)
    {
        string key = text.Trim().ToLowerInvariant();
        foreach ((DataType candidate, string[] names) in Table)
        {
            if (names.Contains(key))
            {
                type = candidate;
                return true;
            }
        }
        type = default;
        return false;
    }

    /// <summary>"float, double, half, ..." for error messages and --help.</summary>
    public static string Allowed() => string.Join(", ", Table.Select(t => t.Names[0]));
}
