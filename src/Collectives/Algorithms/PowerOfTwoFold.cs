namespace Collectives.Algorithms;

/// <summary>
/// How the doubling all-reduces fit n ranks onto p = the largest power of two ≤ n: the first
/// 2(n−p) ranks pair up, each even one hands its data to its odd neighbour and sits out until
/// the finished result comes back; the remaining p ranks take part under virtual ranks 0..p−1.
/// </summary>
internal readonly struct PowerOfTwoFold
{
    private readonly int _rank;

    public PowerOfTwoFold(int size, int rank)
    {
        _rank = rank;
        Active = 1 << (31 - int.LeadingZeroCount(size));
        Extra = size - Active;
    }

    /// <summary>Ranks in the power-of-two phase.</summary>
    public int Active { get; }

    /// <summary>Ranks that sit out (and as many that take their data).</summary>
    public int Extra { get; }

    /// <summary>This rank hands its data to <see cref="Neighbour"/> and waits for the result.</summary>
    public bool SitsOut => _rank < 2 * Extra && _rank % 2 == 0;

    /// <summary>This rank first takes the data of the rank below it, which sits out.</summary>
    public bool Absorbs => _rank < 2 * Extra && _rank % 2 == 1;

    /// <summary>The partner of a folded pair: rank + 1 for the one sitting out, rank − 1 for the one absorbing.</summary>
    public int Neighbour => SitsOut ? _rank + 1 : _rank - 1;

    /// <summary>This rank's place in the power-of-two phase (meaningless for a rank that sits out).</summary>
    public int VirtualRank => _rank < 2 * Extra ? _rank / 2 : _rank - Extra;

    /// <summary>The real rank of a participant in the power-of-two phase.</summary>
    public int RealRank(int virtualRank) => virtualRank < Extra ? (2 * virtualRank) + 1 : virtualRank + Extra;
}
