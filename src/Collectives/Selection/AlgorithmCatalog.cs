namespace Collectives.Selection;

/// <summary>Which algorithms exist for which collective: the one list overrides are checked against.</summary>
internal static class AlgorithmCatalog
{
    public static ReadOnlySpan<Algorithm> For(CollectiveKind kind) => kind switch
    {
        CollectiveKind.AllReduce => [Algorithm.Ring, Algorithm.Tree, Algorithm.HalvingDoubling, Algorithm.RecursiveDoubling,
            Algorithm.Hierarchical, Algorithm.TwoDimensionalRing],
        CollectiveKind.ReduceScatter => [Algorithm.Ring, Algorithm.Hierarchical],
        CollectiveKind.AllGather => [Algorithm.Ring, Algorithm.Hierarchical],
        CollectiveKind.Split => [Algorithm.Ring],
        CollectiveKind.Broadcast => [Algorithm.Ring, Algorithm.Tree],
        CollectiveKind.Reduce => [Algorithm.Tree],
        CollectiveKind.AllToAll => [Algorithm.Pairwise],
        CollectiveKind.Barrier => [Algorithm.Dissemination],
        CollectiveKind.Send => [Algorithm.Direct],
        _ => [],
    };

    public static bool Supports(CollectiveKind kind, Algorithm algorithm) => For(kind).Contains(algorithm);

    /// <summary>The collectives a user may name in an override (Split and Send are internal).</summary>
    public static ReadOnlySpan<CollectiveKind> Overridable => [CollectiveKind.AllReduce, CollectiveKind.ReduceScatter,
        CollectiveKind.AllGather, CollectiveKind.Broadcast, CollectiveKind.Reduce, CollectiveKind.AllToAll,
        CollectiveKind.Barrier];

    /// <summary>"allreduce: ring, tree, halving-doubling; broadcast: ring, tree; ...", for error messages.</summary>
    public static string Describe()
    {
        var parts = new List<string>();
        foreach (CollectiveKind kind in Overridable)
        {
            var names = new List<string>();
            foreach (Algorithm algorithm in For(kind))
            {
                names.Add(AlgorithmNames.Name(algorithm));
            }
            parts.Add(kind.ToString().ToLowerInvariant() + ": " + string.Join(", ", names));
        }
        return string.Join("; ", parts);
    }
}
