namespace Collectives.Transport.Circuits;

/// <summary>Which circuit configurations an emulated switch cycles through (COLLECTIVES_CIRCUITS plan=...).</summary>
public enum CircuitPlanKind
{
    /// <summary>One static ring on every port (node i to i+1); other peers are reached over relaying nodes.</summary>
    Ring,
    /// <summary>One static coprime-stride ring per port (TopoOpt's TotientPerms).</summary>
    Rings,
    /// <summary>Per-step matchings of recursive halving-doubling: the switch changes to the next matching that joins a node to the peer it sends to.</summary>
    Matchings,
}
