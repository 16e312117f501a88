namespace Collectives.Optical.Planning;

/// <summary>Which circuit configurations a fixed plan lets the switch take (COLLECTIVES_CIRCUITS plan=...).</summary>
public enum CircuitPlanKind
{
    /// <summary>One static ring on every port (node i to i+1); other peers are reached over relaying nodes.</summary>
    Ring,
    /// <summary>One static coprime-stride ring per port (TopoOpt's TotientPerms).</summary>
    Rings,
    /// <summary>Per-step matchings of recursive halving-doubling: the switch changes to the next matching that joins a node to the peer it sends to.</summary>
    Matchings,
    /// <summary>
    /// The plan of the algorithm a call runs: a ring holds the static ring, halving-doubling and
    /// recursive doubling walk their per-step matchings; the selector prices each on its own plan
    /// and so decides per call whether reconfiguring pays.
    /// </summary>
    Auto,
}
