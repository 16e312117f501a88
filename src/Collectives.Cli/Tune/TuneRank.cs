using Collectives.Selection;
using Collectives.Topology;

namespace Collectives.Cli.Tune;

/// <summary>
/// One rank's part of a tune job: for each link class the job has, the first pair of ranks
/// joined by it measures the link (the other ranks wait), then every rank times the reduction
/// kernel at once. Every rank ends with the same numbers; rank 0 gets the profile.
/// </summary>
internal static class TuneRank
{
    /// <returns>The measured profile on rank 0; null on the others.</returns>
    public static async Task<CostProfile?> RunAsync(Communicator world, TuneSchedule schedule, CancellationToken cancellationToken)
    {
        JobTopology topology = world.Topology;
        var links = new Dictionary<LinkClass, LinkCost>();
        foreach ((LinkClass link, int first, int second) in PairPerClass(topology))
        {
            bool member = world.Rank == first || world.Rank == second;
            double[] numbers = new double[1 + schedule.Sizes.Count];
            Communicator? pair = await world.SplitAsync(member ? 0 : -1, world.Rank, cancellationToken).ConfigureAwait(false);
            if (pair is not null)
            {
                await using (pair.ConfigureAwait(false))
                {
                    LinkMeasurement measured = await LinkCalibration.MeasureAsync(pair, schedule, cancellationToken).ConfigureAwait(false);
                    numbers[0] = measured.Alpha;
                    for (int i = 0; i < measured.Steps.Count; i++)
                    {
                        numbers[i + 1] = measured.Steps[i].StepSeconds;
                    }
                }
            }
            // The pair's numbers to every rank (the others contribute zeros).
            await world.AllReduceAsync<double>(numbers, ReduceOp.Max, cancellationToken).ConfigureAwait(false);
            var measurement = new LinkMeasurement(numbers[0], schedule.Sizes.Select((size, i) => (size, numbers[i + 1])).ToArray());
            links[link] = TuneProfileBuilder.Link(measurement);
        }
        CostCurve gamma = TuneProfileBuilder.Gamma(await ReductionCalibration.MeasureAsync(world, schedule, cancellationToken).ConfigureAwait(false));
        if (world.Rank != 0)
        {
            return null;
        }
        string source = TuneProfileBuilder.Source(links.Keys.Order().Select(LinkClassNames.Name), DateTime.UtcNow);
        return TuneProfileBuilder.Profile(links, gamma, source);
    }

    /// <summary>Every link class in the job with the first pair of ranks (by rank) it joins; the same list on every rank.</summary>
    public static IReadOnlyList<(LinkClass Link, int First, int Second)> PairPerClass(JobTopology topology)
    {
        var pairs = new List<(LinkClass, int, int)>();
        for (int a = 0; a < topology.Size; a++)
        {
            for (int b = a + 1; b < topology.Size; b++)
            {
                LinkClass link = topology.LinkBetween(a, b);
                if (link != LinkClass.Self && !pairs.Exists(p => p.Item1 == link))
                {
                    pairs.Add((link, a, b));
                }
            }
        }
        return pairs.OrderBy(p => p.Item1).ToArray();
    }
}
