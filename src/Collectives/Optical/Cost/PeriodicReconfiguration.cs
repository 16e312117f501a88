namespace Collectives.Optical.Cost;

/// <summary>
/// A switch that changes on a clock, not on the job's request: lit for <see cref="Hold"/>
/// seconds, dark for <see cref="Dark"/>, over and over (SiP-ML's simulator holds 5×, TopoOpt's
/// OCS comparator 4× the reconfiguration time). A saturated flow moves only while lit.
/// </summary>
public sealed record PeriodicReconfiguration
{
    public PeriodicReconfiguration(double hold, double dark)
    {
        if (!double.IsFinite(hold) || hold <= 0 || !double.IsFinite(dark) || dark < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(hold), "A periodic switch holds for a positive time and goes dark for a time that is not negative.");
        }
        Hold = hold;
        Dark = dark;
    }

    public double Hold { get; }

    public double Dark { get; }

    /// <summary>Bytes a saturated flow at <paramref name="bandwidth"/> moves in the first <paramref name="seconds"/> of a period-aligned window.</summary>
    public double BytesMovedIn(double seconds, double bandwidth)
    {
        double period = Hold + Dark;
        double periods = Math.Floor(seconds / period);
        double intoPeriod = seconds - (periods * period);
        return ((periods * Hold) + Math.Min(intoPeriod, Hold)) * bandwidth;
    }

    /// <summary>Seconds from the start of a hold until <paramref name="bytes"/> at <paramref name="bandwidth"/> have crossed: the dark spells in between count.</summary>
    public double TransferSeconds(double bytes, double bandwidth)
    {
        if (bytes <= 0)
        {
            return 0;
        }
        double litSeconds = bytes / bandwidth;
        // Dark spells fall between holds: one after every hold the flow outlasts.
        double fullHolds = Math.Ceiling(litSeconds / Hold) - 1;
        return litSeconds + (fullHolds * Dark);
    }
}
