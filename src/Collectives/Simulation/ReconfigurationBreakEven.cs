using Collectives.Optical.Planning;

namespace Collectives.Simulation;

/// <summary>
/// The reconfiguration times at which the fastest algorithm would change: the nearest one below
/// the switch's own time and the nearest above. Every algorithm's time grows with the
/// reconfiguration time (by its number of changes, which a slower switch only lowers), so the
/// winner moves towards algorithms that change less as the switch slows. The search doubles
/// (or halves) the time until the winner differs, then bisects in log space.
/// </summary>
public static class ReconfigurationBreakEven
{
    // The search stops at these: faster than any published switch, slower than any that reconfigures per job.
    private const double FastestConsidered = 1e-12;
    private const double SlowestConsidered = 1e3;

    // Relative width of the final bracket: far below any difference a switch datasheet can show.
    private const double Precision = 1e-9;

    public static IReadOnlyList<BreakEven> Find(SimulatedFabric fabric, CollectiveKind kind, long bytes,
        IReadOnlyList<SimulatedAlgorithm> algorithms, Func<long, long, double> reduceSeconds, PlanOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(fabric);
        ArgumentNullException.ThrowIfNull(algorithms);
        if (fabric.Optical is not { } optical)
        {
            return [];
        }
        options ??= PlanOptions.Default;
        SimulatedAlgorithm? Winner(double seconds)
        {
            SimulatedFabric changed = fabric with
            {
                Optical = optical with { Switch = optical.Switch.WithReconfiguration(seconds, "break-even search") },
            };
            SimulationResult? best = new Simulator(changed, reduceSeconds, options).Compare(kind, bytes, algorithms)
                .Where(r => r.IsAvailable).MinBy(r => r.Seconds);
            return best?.Algorithm;
        }
        double own = optical.Switch.ReconfigurationSeconds(options.UseP99);
        return Search(own, Winner).Select(flip => new BreakEven(flip.Seconds, flip.Below, flip.Above)).ToList();
    }

    /// <summary>
    /// The reconfiguration times nearest <paramref name="own"/> (one below, one above) at which
    /// <paramref name="winnerAt"/> (the fastest algorithm for a switch of that change time) names
    /// another algorithm, with the winner on either side: for any pricing of the candidates, the
    /// simulator's planner or a fixed plan's (the runtime selector's under emulated circuits).
    /// </summary>
    public static IReadOnlyList<(double Seconds, T Below, T Above)> Search<T>(double own, Func<double, T?> winnerAt)
        where T : struct
    {
        ArgumentNullException.ThrowIfNull(winnerAt);
        if (winnerAt(own) is not { } now)
        {
            return [];
        }
        var found = new List<(double, T, T)>();
        if (Search(own, 0.5, now, winnerAt) is { } lower)
        {
            found.Add(lower);
        }
        if (Search(own, 2, now, winnerAt) is { } upper)
        {
            found.Add(upper);
        }
        return found;
    }

    private static (double Seconds, T Below, T Above)? Search<T>(double own, double factor, T now, Func<double, T?> winner)
        where T : struct
    {
        var same = EqualityComparer<T>.Default;
        double near = Math.Max(own, FastestConsidered);
        double far = near * factor;
        while (far is >= FastestConsidered and <= SlowestConsidered)
        {
            T? there = winner(far);
            if (there is { } other && !same.Equals(other, now))
            {
                while (Math.Abs(far - near) > Precision * Math.Max(far, near))
                {
                    double middle = Math.Sqrt(far * near);
                    if (winner(middle) is { } atMiddle && same.Equals(atMiddle, now))
                    {
                        near = middle;
                    }
                    else
                    {
                        far = middle;
                    }
                }
                // Report the faster side's winner below and the slower side's above.
                return factor > 1
                    ? (Math.Sqrt(far * near), now, winner(far)!.Value)
                    : (Math.Sqrt(far * near), winner(far)!.Value, now);
            }
            near = far;
            far *= factor;
        }
        return null;
    }
}
