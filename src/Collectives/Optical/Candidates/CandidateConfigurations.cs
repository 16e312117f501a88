using Collectives.Optical.Circuits;
using Collectives.Optical.Cost;
using Collectives.Optical.Fabric;
using Collectives.Schedules;

namespace Collectives.Optical.Candidates;

/// <summary>
/// The configurations a planner considers for a collective: a ring on every port, several
/// coprime-stride rings (TotientPerms), a ring both ways round, a hypercube when there are ports
/// enough, each step's own matching on every port, and whatever is installed now. Only those
/// the fabric can hold are offered.
/// </summary>
public static class CandidateConfigurations
{
    /// <summary>Every node to the next on every plane: one ring with d parallel circuits per hop.</summary>
    public static CircuitConfiguration StaticRing(CircuitFabric fabric)
    {
        ArgumentNullException.ThrowIfNull(fabric);
        return CircuitConfiguration.Shifts("ring", fabric.Nodes, Enumerable.Repeat(1, fabric.Degree).ToArray());
    }

    /// <summary>One coprime-stride ring per plane (<see cref="TotientRings.Choose"/>): the configuration the multi-ring algorithm runs on.</summary>
    public static CircuitConfiguration MultiRing(CircuitFabric fabric)
    {
        ArgumentNullException.ThrowIfNull(fabric);
        IReadOnlyList<int> strides = TotientRings.Choose(fabric.Nodes, fabric.Degree);
        return CircuitConfiguration.Shifts("rings " + string.Join(",", strides.Select(s => "+" + s)), fabric.Nodes, strides);
    }

    /// <summary>Planes alternate between the ring forwards and backwards (needs two ports): the static ring halving-doubling can use.</summary>
    public static CircuitConfiguration? BidirectionalRing(CircuitFabric fabric)
    {
        ArgumentNullException.ThrowIfNull(fabric);
        return fabric.Degree < 2 || fabric.Nodes < 3 ? null
            : CircuitConfiguration.Shifts("ring both ways", fabric.Nodes, Enumerable.Range(0, fabric.Degree).Select(p => p % 2 == 0 ? 1 : -1).ToArray());
    }

    /// <summary>Plane k joins nodes across bit k (n a power of two, d ≥ log2 n): every halving-doubling partner one hop away, no change ever.</summary>
    public static CircuitConfiguration? Hypercube(CircuitFabric fabric)
    {
        ArgumentNullException.ThrowIfNull(fabric);
        int n = fabric.Nodes;
        int dimensions = 31 - int.LeadingZeroCount(n);
        if (n < 2 || (n & (n - 1)) != 0 || fabric.Degree < dimensions)
        {
            return null;
        }
        var circuits = new List<Circuit>();
        for (int plane = 0; plane < fabric.Degree; plane++)
        {
            int mask = 1 << (plane % dimensions);
            for (int node = 0; node < n; node++)
            {
                circuits.Add(new Circuit(plane, node, node ^ mask));
            }
        }
        return new CircuitConfiguration("hypercube", n, circuits);
    }

    /// <summary>The candidates for <paramref name="steps"/> on <paramref name="fabric"/>, without duplicates (the first name wins), feasible ones only.</summary>
    public static IReadOnlyList<CircuitConfiguration> For(CircuitFabric fabric, IReadOnlyList<CommunicationStep> steps)
    {
        ArgumentNullException.ThrowIfNull(fabric);
        ArgumentNullException.ThrowIfNull(steps);
        var proposals = new List<CircuitConfiguration?>();
        if (fabric.Current is { } current)
        {
            proposals.Add(current);
        }
        if (fabric.Nodes >= 2)
        {
            proposals.Add(StaticRing(fabric));
            proposals.Add(MultiRing(fabric));
            proposals.Add(BidirectionalRing(fabric));
            proposals.Add(Hypercube(fabric));
        }
        foreach (FlowPattern pattern in steps.Select(s => s.Pattern).Distinct())
        {
            proposals.Add(CircuitConfiguration.ForPattern(pattern, fabric.Degree));
        }
        var candidates = new List<CircuitConfiguration>();
        foreach (CircuitConfiguration? proposal in proposals)
        {
            if (proposal is not null && !candidates.Any(c => c.SameCircuits(proposal)) && ConfigurationFeasibility.IsFeasible(proposal, fabric))
            {
                candidates.Add(proposal);
            }
        }
        return candidates;
    }

    /// <summary>
    /// The best configuration to hold for a whole job: the candidate (over all the job's
    /// collectives) whose summed step times, with no change at all, are least. Null when no
    /// single candidate carries every step.
    /// </summary>
    public static CircuitConfiguration? BestStatic(CircuitFabric fabric, IReadOnlyList<IReadOnlyList<CommunicationStep>> job, IStepPricer pricer)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(pricer);
        List<CommunicationStep> all = job.SelectMany(steps => steps).ToList();
        CircuitConfiguration? best = null;
        double bestSeconds = double.PositiveInfinity;
        foreach (CircuitConfiguration candidate in For(fabric, all))
        {
            double seconds = all.Sum(step => pricer.Price(step, candidate).Total);
            if (seconds < bestSeconds)
            {
                (best, bestSeconds) = (candidate, seconds);
            }
        }
        return best;
    }
}
