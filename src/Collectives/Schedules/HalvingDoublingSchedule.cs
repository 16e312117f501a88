namespace Collectives.Schedules;

/// <summary>
/// Recursive halving then recursive doubling (Rabenseifner) over n nodes: the halving sweep
/// takes masks p/2, p/4, ..., 1 and halves the data each step while reducing it; the doubling
/// sweep takes them back in reverse, so the turnaround step repeats mask 1's partner. log2 p
/// distinct partner matchings, 2 log2 p steps, plus the fold and unfold when n is not a power of two.
/// </summary>
public static class HalvingDoublingSchedule
{
    public static IReadOnlyList<CommunicationStep> AllReduce(PowerOfTwoFold fold, long bytes)
    {
        ArgumentNullException.ThrowIfNull(fold);
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        return fold.AroundFold(bytes, Halving(fold, bytes).Concat(Doubling(fold, bytes)));
    }

    /// <summary>The halving sweep alone; <paramref name="bytes"/> is the whole input. Null when n is not a power of two (no fold for a scatter).</summary>
    public static IReadOnlyList<CommunicationStep>? ReduceScatter(PowerOfTwoFold fold, long bytes)
    {
        ArgumentNullException.ThrowIfNull(fold);
        return fold.Extra == 0 ? Halving(fold, bytes) : null;
    }

    /// <summary>The doubling sweep alone; <paramref name="bytes"/> is the whole output. Null when n is not a power of two.</summary>
    public static IReadOnlyList<CommunicationStep>? AllGather(PowerOfTwoFold fold, long bytes)
    {
        ArgumentNullException.ThrowIfNull(fold);
        return fold.Extra == 0 ? Doubling(fold, bytes) : null;
    }

    private static List<CommunicationStep> Halving(PowerOfTwoFold fold, long bytes)
    {
        var steps = new List<CommunicationStep>();
        long part = bytes;
        for (int mask = fold.Active >> 1; mask >= 1; mask >>= 1)
        {
            part = RingSchedule.CeilingDivide(part, 2);
            steps.Add(new CommunicationStep(fold.Exchange(mask), part, part));
        }
        return steps;
    }

    // The reverse of the halving sweep: the smallest part first, each step doubling what a node holds.
    private static List<CommunicationStep> Doubling(PowerOfTwoFold fold, long bytes)
    {
        var steps = new List<CommunicationStep>();
        int masks = fold.Rounds;
        for (int round = 0; round < masks; round++)
        {
            int mask = 1 << round;
            long part = RingSchedule.CeilingDivide(bytes, 1L << (masks - round));
            steps.Add(new CommunicationStep(fold.Exchange(mask), part, 0));
        }
        return steps;
    }
}
