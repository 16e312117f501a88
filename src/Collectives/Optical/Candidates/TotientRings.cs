namespace Collectives.Optical.Candidates;

/// <summary>
/// TopoOpt's TotientPerms: on n nodes the shift i → i + k visits every node in one cycle exactly
/// when gcd(n, k) = 1, and strides k and n − k trace the same cycle the other way round, so the
/// distinct undirected rings are the coprime strides up to n/2: φ(n)/2 of them (one for n = 2).
/// Rings on different strides share no circuit, so d of them use all d ports of every node.
/// </summary>
public static class TotientRings
{
    /// <summary>One stride per distinct undirected ring through all <paramref name="nodes"/> nodes, ascending.</summary>
    public static IReadOnlyList<int> DistinctRingStrides(int nodes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nodes, 2);
        var strides = new List<int>();
        for (int stride = 1; stride <= nodes / 2; stride++)
        {
            if (Modular.GreatestCommonDivisor(nodes, stride) == 1)
            {
                strides.Add(stride);
            }
        }
        return strides;
    }

    /// <summary>
    /// <paramref name="count"/> strides for <paramref name="count"/> planes, spread in geometric
    /// progression from 1 towards n/2 (TopoOpt's choose_n_geo: a flow to any offset then needs
    /// few hops over the union); with fewer distinct rings than planes, rings repeat.
    /// </summary>
    public static IReadOnlyList<int> Choose(int nodes, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        IReadOnlyList<int> available = DistinctRingStrides(nodes);
        var chosen = new List<int>();
        var unused = available.ToList();
        double ratio = Math.Pow(Math.Max(1, nodes / 2.0), 1.0 / count);
        for (int i = 0; i < count; i++)
        {
            if (unused.Count == 0)
            {
                chosen.Add(chosen[i % available.Count]);
                continue;
            }
            double target = Math.Pow(ratio, i);
            int pick = unused.MinBy(s => Math.Abs(Math.Log(s) - Math.Log(target)));
            unused.Remove(pick);
            chosen.Add(pick);
        }
        return chosen;
    }
}
