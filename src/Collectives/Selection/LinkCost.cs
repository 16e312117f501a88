namespace Collectives.Selection;

/// <summary>
/// The cost of one message over a link class: <c>Alpha + bytes × Beta(size)</c>. Alpha is the
/// one-way latency of a small message (seconds); Beta is seconds per byte when streaming.
/// <see cref="Streams"/> is how many transfers from one rank (or leaving one host) run side by
/// side at full speed each before they share: 1 when one stream already fills the link or the
/// memory bus (shared memory, loopback TCP on few cores); more on a fast NIC that one TCP stream
/// cannot fill, which is what makes several channels pay. <see cref="BetaInPlace"/> is Beta for
/// calls made in place (output = input): they touch half the memory of an out-of-place call,
/// which from a few MiB is measurably cheaper per byte (a quarter over shared memory at 16 MiB on
/// this 2-core machine); null where it was not measured, and Beta serves both.
/// </summary>
public sealed record LinkCost(double Alpha, CostCurve Beta, int Streams = 1, CostCurve? BetaInPlace = null)
{
    /// <summary>Beta for a call in place (<see cref="BetaInPlace"/> where measured) or out of place.</summary>
    public CostCurve BetaFor(bool inPlace) => inPlace && BetaInPlace is not null ? BetaInPlace : Beta;

    /// <summary>Seconds to move one message of <paramref name="bytes"/>, with <paramref name="workingSet"/> bytes in play (which sets the cache regime).</summary>
    public double Time(long bytes, long workingSet) => Alpha + (bytes * Beta.At(workingSet));
}
