namespace Collectives.Cli.Perf;

/// <summary>Reduction ops by nccl-tests' names ("sum", "prod", ...) plus the bitwise ones nccl lacks.</summary>
internal static class ReduceOpNames
{
    /// <summary>The names -o accepts; the first of each entry is the one tables print.</summary>
    private static readonly (ReduceOp Op, string[] Names)[] Table =
    [
        (ReduceOp.Sum, ["sum"]),
        (ReduceOp.Prod, ["prod", "product"]),
        (ReduceOp.Min, ["min"]),
        (ReduceOp.Max, ["max"]),
        (ReduceOp.Avg, ["avg", "mean"]),
        (ReduceOp.BitAnd, ["band", "bitand", "and"]),
        (ReduceOp.BitOr, ["bor", "bitor", "or"]),
        (ReduceOp.BitXor, ["bxor", "bitxor", "xor"]),
    ];

    public static string Name(ReduceOp op)
    {
        foreach ((ReduceOp candidate, string[] names) in Table)
        {
            if (candidate == op)
            {
                return names[0];
            }
        }
        throw new ArgumentOutOfRangeException(nameof(op), op, "not a defined ReduceOp");
    }

    public static bool TryParse(string text, out ReduceOp op)
    {
        string key = text.Trim().ToLowerInvariant();
        foreach ((ReduceOp candidate, string[] names) in Table)
        {
            if (names.Contains(key))
            {
                op = candidate;
                return true;
            }
        }
        op = default;
        return false;
    }

    /// <summary>"sum, prod, min, ..." for error messages and --help.</summary>
    public static string Allowed() => string.Join(", ", Table.Select(t => t.Names[0]));
}
