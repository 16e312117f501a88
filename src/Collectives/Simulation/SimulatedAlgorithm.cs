namespace Collectives.Simulation;

/// <summary>The algorithms the simulator prices across nodes (inside a node, ranks always use a ring).</summary>
public enum SimulatedAlgorithm
{
    /// <summary>One ring: 2(n−1) steps of 1/n of the data (all-reduce).</summary>
    Ring,
    /// <summary>One ring per optical port, on coprime strides (TopoOpt's TotientPerms), each carrying 1/d of the data.</summary>
    MultiRing,
    /// <summary>Recursive halving then doubling (Rabenseifner): 2 log2 n steps over log2 n partner matchings.</summary>
    HalvingDoubling,
    /// <summary>Recursive doubling: log2 n exchanges of the whole buffer.</summary>
    RecursiveDoubling,
}
