namespace Collectives.Transport.Faults;

/// <summary>
/// SplitMix64: a tiny generator whose sequence is fixed by its seed on every platform and
/// runtime version (System.Random promises no such thing), so a fault run can be replayed.
/// </summary>
internal struct FaultRandom
{
    private ulong _state;

    public FaultRandom(ulong seed) => _state = seed;

    /// <summary>A generator for one end of one link: the spec's seed mixed with both endpoints, so every link draws its own sequence.</summary>
    public static FaultRandom ForLink(ulong seed, int localEndpoint, int peerEndpoint)
    {
        var mixer = new FaultRandom(seed);
        ulong mixed = mixer.NextUInt64() ^ ((ulong)(uint)localEndpoint << 32 | (uint)peerEndpoint);
        return new FaultRandom(mixed);
    }

    public ulong NextUInt64()
    {
        ulong z = _state += 0x9E3779B97F4A7C15;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1): the top 53 bits, as many as a double holds.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));
}
