using System.Globalization;
using Collectives.Kernels;

namespace Collectives.Wire;

/// <summary>
/// What a call is: every rank taking part in one operation must compute the same fingerprint,
/// so a receiver that sees a different one knows the ranks made different calls.
/// </summary>
public readonly record struct OperationFingerprint(
    CollectiveKind Collective,
    DataType DataType,
    ReduceOp Op,
    Algorithm Algorithm,
    int Root,
    long Count)
{
    /// <summary>Human-readable form used in error messages, e.g. "AllReduce(float × 1024, Sum, ring)".</summary>
    public override string ToString()
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"{Collective}({DataTypes.Name(DataType)} × {Count}");
        if (HasOp(Collective))
        {
            text += ", " + Op;
        }
        if (HasRoot(Collective))
        {
            text += ", root " + Root.ToString(CultureInfo.InvariantCulture);
        }
        if (Algorithm != Algorithm.Direct)
        {
            text += ", " + AlgorithmNames.Name(Algorithm);
        }
        return text + ")";
    }

    private static bool HasOp(CollectiveKind kind) =>
        kind is CollectiveKind.AllReduce or CollectiveKind.ReduceScatter or CollectiveKind.Reduce;

    private static bool HasRoot(CollectiveKind kind) => kind is CollectiveKind.Broadcast or CollectiveKind.Reduce;
}
