namespace Collectives.Schedules;

/// <summary>
/// Ring collectives over n nodes: every step each node passes one block (a 1/n share of the
/// data, rounded up: the largest block sets the pace) to the next node. A pattern of several
/// shifts (<see cref="FlowPattern.Shifts"/>) splits the data evenly over that many rings running
/// side by side (TopoOpt's TotientPerms rings, or NCCL's channels), each along its own stride.
/// </summary>
public static class RingSchedule
{
    /// <summary>Reduce-scatter then all-gather: 2(n−1) steps, the first n−1 reducing what arrives.</summary>
    public static IReadOnlyList<CommunicationStep> AllReduce(FlowPattern rings, long bytes) => Build(rings, bytes, reducePhase: true, gatherPhase: true);

    /// <summary><paramref name="bytes"/> is the whole input (n blocks): n−1 reducing steps.</summary>
    public static IReadOnlyList<CommunicationStep> ReduceScatter(FlowPattern rings, long bytes) => Build(rings, bytes, reducePhase: true, gatherPhase: false);

    /// <summary><paramref name="bytes"/> is the whole output (n blocks): n−1 copying steps.</summary>
    public static IReadOnlyList<CommunicationStep> AllGather(FlowPattern rings, long bytes) => Build(rings, bytes, reducePhase: false, gatherPhase: true);

    private static List<CommunicationStep> Build(FlowPattern rings, long bytes, bool reducePhase, bool gatherPhase)
    {
        ArgumentNullException.ThrowIfNull(rings);
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        int nodes = rings.Nodes;
        int ringCount = rings.Flows.Length / nodes;
        if (ringCount == 0 || rings.Flows.Length % nodes != 0)
        {
            throw new ArgumentException($"Pattern '{rings.Name}' is not a set of full rings over {nodes} nodes.", nameof(rings));
        }
        long block = CeilingDivide(bytes, nodes);
        long perRing = CeilingDivide(block, ringCount);
        var steps = new List<CommunicationStep>();
        if (reducePhase)
        {
            steps.Add(new CommunicationStep(rings, perRing, block, nodes - 1));
        }
        if (gatherPhase)
        {
            steps.Add(new CommunicationStep(rings, perRing, 0, nodes - 1));
        }
        return steps;
    }

    internal static long CeilingDivide(long value, long divisor) => (value + divisor - 1) / divisor;
}
