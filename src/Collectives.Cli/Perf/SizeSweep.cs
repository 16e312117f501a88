namespace Collectives.Cli.Perf;

/// <summary>
/// The sizes a perf run visits, as nccl-tests walks them: from min to max inclusive, multiplying
/// by the step factor (or adding the step bytes). Each is then shaped per collective by
/// <see cref="CollectiveLayout"/>, which rounds it down to what the collective can carry.
/// </summary>
internal static class SizeSweep
{
    /// <summary>The requested sizes in bytes, before rounding to whole elements and blocks.</summary>
    public static IReadOnlyList<long> Sizes(long minBytes, long maxBytes, int stepFactor, long stepBytes)
    {
        if (minBytes < 1 || maxBytes < minBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(minBytes), $"the sweep needs 1 ≤ min ({minBytes}) ≤ max ({maxBytes})");
        }
        if (stepBytes <= 0 && stepFactor < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(stepFactor), stepFactor, "a multiplying sweep needs a factor of at least 2");
        }
        var sizes = new List<long>();
        for (long size = minBytes; size <= maxBytes;)
        {
            sizes.Add(size);
            bool wouldOverflow = stepBytes > 0 ? size > long.MaxValue - stepBytes : size > long.MaxValue / stepFactor;
            if (wouldOverflow)
            {
                break;
            }
            size = stepBytes > 0 ? size + stepBytes : size * stepFactor;
        }
        return sizes;
    }

    /// <summary>Every step of the sweep shaped for one collective, ranks and element type.</summary>
    public static IReadOnlyList<CollectiveLayout> Layouts(PerfOptions options)
    {
        int elementSize = Kernels.DataTypes.SizeOf(options.DataType);
        return Sizes(options.MinBytes, options.MaxBytes, options.StepFactor, options.StepBytes)
            .Select(bytes => CollectiveLayout.For(options.Collective, bytes, options.Ranks, elementSize))
            .ToArray();
    }
}
