namespace Collectives.Schedules;

/// <summary>
/// Recursive-doubling all-reduce over n nodes: log2 p exchanges of the whole buffer (masks 1,
/// 2, ..., p/2), each reducing what arrives; fewest steps, most bytes. Folded like halving-doubling.
/// </summary>
public static class RecursiveDoublingSchedule
{
    public static IReadOnlyList<CommunicationStep> AllReduce(PowerOfTwoFold fold, long bytes)
    {
        ArgumentNullException.ThrowIfNull(fold);
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        var steps = new List<CommunicationStep>();
        if (fold.Fold is { } handOver)
        {
            steps.Add(new CommunicationStep(handOver, bytes, bytes));
        }
        for (int mask = 1; mask < fold.Active; mask <<= 1)
        {
            steps.Add(new CommunicationStep(fold.Exchange(mask), bytes, bytes));
        }
        if (fold.Unfold is { } handBack)
        {
            steps.Add(new CommunicationStep(handBack, bytes, 0));
        }
        return steps;
    }
}
