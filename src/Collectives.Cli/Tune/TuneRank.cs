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
        var measured = new Dictionary<LinkClass, LinkMeasurement>();
        foreach ((LinkClass link, int first, int second) in PairPerClass(topology))
        {
            bool member = world.Rank == first || world.Rank == second;
            double[] numbers = new double[LinkCalibration.NumberCount(schedule)];
            Communicator? pair = await world.SplitAsync(member ? 0 : -1, world.Rank, cancellationToken).ConfigureAwait(false);
            if (pair is not null)
            {
                await using (pair.ConfigureAwait(false))
                {
                    numbers = LinkCalibration.ToNumbers(await LinkCalibration.MeasureAsync(pair, schedule, cancellationToken).ConfigureAwait(false));
                }
            }
            // The pair's numbers to every rank (the others contribute zeros).
            await world.AllReduceAsync<double>(numbers, ReduceOp.Max, cancellationToken).ConfigureAwait(false);
            measured[link] = LinkCalibration.FromNumbers(numbers, schedule.Sizes);
        }
        CostCurve gamma = TuneProfileBuilder.Gamma(await ReductionCalibration.MeasureAsync(world, schedule, cancellationToken).ConfigureAwait(false));
        var links = measured.ToDictionary(pair => pair.Key, pair => TuneProfileBuilder.Link(pair.Key, pair.Value, gamma));
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
