using Collectives.Kernels;
using Collectives.Topology;

namespace Collectives.Selection;

/// <summary>
/// What the cost model knows about this machine: a <see cref="LinkCost"/> per link class, the
/// reduction speed (gamma, seconds per byte of reduced output for float32 sum, by size) and how
/// much slower other element types reduce per byte. Comes from <see cref="CostDefaults"/> or from
/// a profile written by <c>collectives tune</c>. Immutable.
/// </summary>
public sealed record CostProfile
{
    public required IReadOnlyDictionary<LinkClass, LinkCost> Links { get; init; }

    /// <summary>Seconds per byte of output to reduce two float32 inputs (Sum), by working-set size.</summary>
    public required CostCurve Gamma { get; init; }

    /// <summary>Where the numbers came from ("built-in defaults", a tune file's path and date), for explain output.</summary>
    public string Source { get; init; } = "built-in defaults";

    /// <summary>The cost of <paramref name="link"/>; classes the profile lacks fall back to the built-in default.</summary>
    public LinkCost For(LinkClass link) =>
        Links.TryGetValue(link, out LinkCost? cost) ? cost : CostDefaults.Profile.Links[link];

    /// <summary>Seconds to reduce <paramref name="bytes"/> of <paramref name="type"/> into a destination.</summary>
    public double ReduceTime(long bytes, DataType type, long workingSet) => bytes * Gamma.At(workingSet) * CostDefaults.ReduceFactor(type);

    /// <summary>This profile with <paramref name="link"/>'s cost replaced (tune results, tests).</summary>
    public CostProfile With(LinkClass link, LinkCost cost)
    {
        var links = new Dictionary<LinkClass, LinkCost>(Links) { [link] = cost };
        return this with { Links = links };
    }
}
