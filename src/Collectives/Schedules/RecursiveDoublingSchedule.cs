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
        var exchanges = new List<CommunicationStep>();
        for (int mask = 1; mask < fold.Active; mask <<= 1)
        {
            exchanges.Add(new CommunicationStep(fold.Exchange(mask), bytes, bytes));
        }
        return fold.AroundFold(bytes, exchanges);
    }
}
