namespace Collectives.Cli.Measurement;

/// <summary>The median of a few timings: the machine is shared, and one preempted sample must not move the number.</summary>
internal static class Median
{
    public static double Of(IReadOnlyList<double> samples)
    {
        if (samples.Count == 0)
        {
            throw new ArgumentException("The median of no samples is undefined.", nameof(samples));
        }
        double[] sorted = samples.Order().ToArray();
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
