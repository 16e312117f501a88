namespace Collectives.Selection;

/// <summary>
/// The cost of one message over a link class: <c>Alpha + bytes × Beta(size)</c>. Alpha is the
/// one-way latency of a small message (seconds); Beta is seconds per byte when streaming.
/// </summary>
public sealed record LinkCost(double Alpha, CostCurve Beta)
{
    /// <summary>Seconds to move one message of <paramref name="bytes"/>, with <paramref name="workingSet"/> bytes in play (which sets the cache regime).</summary>
    public double Time(long bytes, long workingSet) => Alpha + (bytes * Beta.At(workingSet));
}
