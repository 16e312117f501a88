using Collectives.Optical.Circuits;
using Collectives.Optical.Cost;
using Collectives.Optical.Fabric;
using Collectives.Schedules;

namespace Collectives.Optical.Planning;

/// <summary>
/// Chooses which configuration each step runs on, and so when to reconfigure, by dynamic
/// programming over segments: open[i][c] is the earliest time steps 0..i−1 are done and
/// configuration c is lit for step i; a segment holds one configuration over consecutive
/// steps, and leaving it costs the switch's reconfiguration (median or p99) plus any wait for
/// the switch's minimum hold. The change before the first step may hide in the idle time before
/// the call. Exact over the given candidates: O(steps² × candidates²) comparisons after pricing
/// every step on every candidate once.
/// </summary>
public static class ReconfigurationPlanner
{
    public static CircuitPlan Plan(IReadOnlyList<CommunicationStep> steps, IReadOnlyList<CircuitConfiguration> candidates,
        CircuitFabric fabric, IStepPricer pricer, PlanOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(fabric);
        options ??= PlanOptions.Default;
        return Plan(steps, candidates, new ReconfigurationCosts(fabric, options.UseP99), pricer, options);
    }

    /// <summary>The same, with change costs kept in <paramref name="costs"/> across calls (which fixes the fabric and the percentile).</summary>
    public static CircuitPlan Plan(IReadOnlyList<CommunicationStep> steps, IReadOnlyList<CircuitConfiguration> candidates,
        ReconfigurationCosts costs, IStepPricer pricer, PlanOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(costs);
        ArgumentNullException.ThrowIfNull(pricer);
        options ??= PlanOptions.Default;
        if (costs.P99 != options.UseP99)
        {
            throw new ArgumentException("The change costs were worked out for the other percentile than the options ask for.", nameof(costs));
        }
        CircuitFabric fabric = costs.Fabric;
        int stepCount = steps.Count, count = candidates.Count;
        if (stepCount == 0)
        {
            return new CircuitPlan([]);
        }
        if (count == 0)
        {
            return CircuitPlan.Infeasible;
        }
        var times = new StepTime[stepCount, count];
        // Prefix sums of step totals per candidate, and of steps it cannot carry (so ∞ never meets ∞ − ∞).
        var prefix = new double[count, stepCount + 1];
        var blocked = new int[count, stepCount + 1];
        for (int c = 0; c < count; c++)
        {
            for (int s = 0; s < stepCount; s++)
            {
                times[s, c] = pricer.Price(steps[s], candidates[c]);
                bool carries = times[s, c].IsReachable;
                prefix[c, s + 1] = prefix[c, s] + (carries ? times[s, c].Total : 0);
                blocked[c, s + 1] = blocked[c, s] + (carries ? 0 : 1);
            }
        }
        double Segment(int from, int to, int c) =>
            blocked[c, to] - blocked[c, from] > 0 ? double.PositiveInfinity : prefix[c, to] - prefix[c, from];

        var changes = new ReconfigurationCost[count, count];
        for (int a = 0; a < count; a++)
        {
            for (int b = 0; b < count; b++)
            {
                changes[a, b] = costs.Between(candidates[a], candidates[b]);
            }
        }
        var initial = candidates.Select(c => costs.Between(fabric.Installed, c)).ToArray();
        double idle = Math.Max(0, options.IdleBeforeCall);
        double minimumHold = fabric.Switch.MinimumHold.Value;
        // How long a first configuration has already been held when the call starts.
        double HeldBeforeCall(int c) => initial[c].Changes ? Math.Max(0, idle - initial[c].Seconds) : double.PositiveInfinity;

        var open = new double[stepCount, count];
        var back = new (int Step, int Candidate)[stepCount, count];
        for (int c = 0; c < count; c++)
        {
            open[0, c] = initial[c].IsAllowed ? Math.Max(0, initial[c].Seconds - idle) : double.PositiveInfinity;
            for (int i = 1; i < stepCount; i++)
            {
                open[i, c] = double.PositiveInfinity;
            }
        }
        for (int i = 1; i < stepCount; i++)
        {
            for (int c = 0; c < count; c++)
            {
                for (int start = 0; start < i; start++)
                {
                    for (int previous = 0; previous < count; previous++)
                    {
                        if (previous == c || !double.IsFinite(open[start, previous]) || !changes[previous, c].IsAllowed)
                        {
                            continue;
                        }
                        double held = Segment(start, i, previous);
                        if (!double.IsFinite(held))
                        {
                            continue;
                        }
                        double wait = HoldWait(minimumHold, held, start == 0 ? HeldBeforeCall(previous) : 0);
                        double ready = open[start, previous] + held + wait + changes[previous, c].Seconds;
                        if (ready < open[i, c])
                        {
                            open[i, c] = ready;
                            back[i, c] = (start, previous);
                        }
                    }
                }
            }
        }
        double best = double.PositiveInfinity;
        (int Step, int Candidate) last = (-1, -1);
        for (int i = 0; i < stepCount; i++)
        {
            for (int c = 0; c < count; c++)
            {
                double finish = open[i, c] + Segment(i, stepCount, c);
                if (finish < best)
                {
                    best = finish;
                    last = (i, c);
                }
            }
        }
        if (!double.IsFinite(best))
        {
            return CircuitPlan.Infeasible;
        }
        return new CircuitPlan(Reconstruct(last, stepCount, back, times, candidates, changes, initial, idle, minimumHold, HeldBeforeCall));
    }

    private static double HoldWait(double minimumHold, double held, double heldBefore) => Math.Max(0, minimumHold - held - heldBefore);

    private static List<PlanSegment> Reconstruct((int Step, int Candidate) last, int stepCount, (int Step, int Candidate)[,] back,
        StepTime[,] times, IReadOnlyList<CircuitConfiguration> candidates, ReconfigurationCost[,] changes, ReconfigurationCost[] initial,
        double idle, double minimumHold, Func<int, double> heldBeforeCall)
    {
        var bounds = new List<(int Start, int End, int Candidate)>();
        (int start, int c) = last;
        int end = stepCount;
        while (true)
        {
            bounds.Add((start, end, c));
            if (start == 0)
            {
                break;
            }
            (int previousStart, int previous) = back[start, c];
            end = start;
            (start, c) = (previousStart, previous);
        }
        bounds.Reverse();
        var segments = new List<PlanSegment>(bounds.Count);
        for (int k = 0; k < bounds.Count; k++)
        {
            (int first, int stop, int candidate) = bounds[k];
            StepTime time = StepTime.Zero;
            for (int s = first; s < stop; s++)
            {
                time += times[s, candidate];
            }
            if (k == 0)
            {
                ReconfigurationCost change = initial[candidate];
                segments.Add(new PlanSegment(candidates[candidate], first, stop - first, time, change, Math.Min(change.Seconds, idle), 0));
                continue;
            }
            (_, _, int previous) = bounds[k - 1];
            double wait = HoldWait(minimumHold, segments[k - 1].Time.Total, k == 1 ? heldBeforeCall(previous) : 0);
            segments.Add(new PlanSegment(candidates[candidate], first, stop - first, time, changes[previous, candidate], 0, wait));
        }
        return segments;
    }
}
