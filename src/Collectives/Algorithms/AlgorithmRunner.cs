namespace Collectives.Algorithms;

/// <summary>Runs the algorithm a call names. The only place that maps a call to an algorithm's code.</summary>
internal static class AlgorithmRunner
{
    public static ValueTask RunAsync(CollectiveContext c, in CollectiveCall call) => (call.Kind, call.Algorithm) switch
    {
        (CollectiveKind.AllReduce, Algorithm.Ring) when call.Channels > 1 =>
            MultiChannelRingAllReduce.RunAsync(c, call.Input, call.Output, call.Count, call.Channels),
        (CollectiveKind.AllReduce, Algorithm.Ring) => RingAllReduce.RunAsync(c, call.Input, call.Output, call.Count),
        (CollectiveKind.AllReduce, Algorithm.Tree) => TreeAllReduce.RunAsync(c, call.Input, call.Output, call.Count),
        (CollectiveKind.AllReduce, Algorithm.HalvingDoubling) => HalvingDoublingAllReduce.RunAsync(c, call.Input, call.Output, call.Count),
        (CollectiveKind.AllReduce, Algorithm.RecursiveDoubling) => RecursiveDoublingAllReduce.RunAsync(c, call.Input, call.Output, call.Count),
        (CollectiveKind.AllReduce, Algorithm.Hierarchical) => HierarchicalAllReduce.RunAsync(c, call.Input, call.Output, call.Count, crossHostRing: false),
        (CollectiveKind.AllReduce, Algorithm.TwoDimensionalRing) => HierarchicalAllReduce.RunAsync(c, call.Input, call.Output, call.Count, crossHostRing: true),
        (CollectiveKind.ReduceScatter, Algorithm.Hierarchical) => HierarchicalReduceScatter.RunAsync(c, call.Input, call.Output, call.Count),
        (CollectiveKind.AllGather, Algorithm.Hierarchical) => HierarchicalAllGather.RunAsync(c, call.Input, call.Output, call.Count),
        (CollectiveKind.ReduceScatter, Algorithm.Ring) => RingReduceScatter.RunAsync(c, call.Input, call.Output, call.Count),
        (CollectiveKind.AllGather or CollectiveKind.Split, Algorithm.Ring) => RingAllGather.RunAsync(c, call.Input, call.Output, call.Count),
        (CollectiveKind.Broadcast, Algorithm.Ring) => RingBroadcast.RunAsync(c, call.Output, call.Root),
        (CollectiveKind.Broadcast, Algorithm.Tree) => TreeBroadcast.RunAsync(c, call.Output, call.Root),
        (CollectiveKind.Reduce, Algorithm.Tree) => TreeReduce.RunAsync(c, call.Input, call.Output, call.Root, call.Count),
        (CollectiveKind.AllToAll, Algorithm.Pairwise) => PairwiseAllToAll.RunAsync(c, call.Input, call.Output, call.Count, call.InPlace),
        (CollectiveKind.Barrier, Algorithm.Dissemination) => DisseminationBarrier.RunAsync(c),
        (CollectiveKind.Send, Algorithm.Direct) when c.ReceiveSide =>
            c.ReceiveChunkedAsync(call.Peer, call.Output, 0),
        (CollectiveKind.Send, Algorithm.Direct) => c.SendChunkedAsync(call.Peer, call.Input, 0),
        _ => throw new InvalidOperationException($"No {call.Algorithm} algorithm for {call.Kind}; the selector should not have chosen it."),
    };
}
