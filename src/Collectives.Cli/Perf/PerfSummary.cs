namespace Collectives.Cli.Perf;

/// <summary>
/// The footer: wrong elements over the whole run and the average busbw over every row and both
/// placements, as nccl-tests averages it.
/// </summary>
/// <param name="Wrong">Total wrong elements; null when checking was off.</param>
internal sealed record PerfSummary(long? Wrong, double AverageBusBw, int Rows)
{
    public static PerfSummary Of(IReadOnlyCollection<PerfRow> rows, bool checkedResults)
    {
        double sum = 0;
        long wrong = 0;
        foreach (PerfRow row in rows)
        {
            sum += row.OutOfPlace.BusBw + row.InPlace.BusBw;
            wrong += (row.OutOfPlace.Wrong ?? 0) + (row.InPlace.Wrong ?? 0);
        }
        double average = rows.Count == 0 ? 0 : sum / (2 * rows.Count);
        return new PerfSummary(checkedResults ? wrong : null, average, rows.Count);
    }

    /// <summary>True when checking was on and found nothing wrong, or was off.</summary>
    public bool Passed => Wrong is null or 0;
}
