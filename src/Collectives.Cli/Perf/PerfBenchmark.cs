using System.Diagnostics;
using Collectives.Kernels;

namespace Collectives.Cli.Perf;

/// <summary>
/// The sweep for one element type: starts the ranks, and for each size runs every rank on its
/// own task through warm-up, a barrier, the timed calls and the check, out of place then in place.
/// </summary>
internal sealed class PerfBenchmark<T>
    where T : unmanaged
{
    private readonly PerfOptions _options;
    private readonly ExpectedValues<T> _expected;

    public PerfBenchmark(PerfOptions options)
    {
        _options = options;
        _expected = new ExpectedValues<T>(options.Collective, options.Op, options.Ranks, options.Root);
    }

    public async Task<PerfSummary> RunAsync(IPerfReporter reporter, CancellationToken cancellationToken)
    {
        IReadOnlyList<CollectiveLayout> layouts = SizeSweep.Layouts(_options);
        Communicator[] group = Communicator.CreateLocalGroup(_options.Ranks, _options.ToCommunicatorOptions());
        try
        {
            // Once, for the largest size; every size slices them.
            RankBuffers<T>[] buffers = group.Select(_ => new RankBuffers<T>(layouts)).ToArray();
            reporter.Begin(_options);
            // Like nccl-tests, warm up at the largest and the smallest size before the sweep, so the
            // first rows pay for neither JIT nor first touch of the buffers.
            foreach (CollectiveLayout layout in new[] { layouts[^1], layouts[0] })
            {
                await OnEveryRankAsync(group, c => WarmUpAsync(c, buffers[c.Rank], layout, cancellationToken), cancellationToken)
                    .ConfigureAwait(false);
            }
            var rows = new List<PerfRow>(layouts.Count);
            foreach (CollectiveLayout layout in layouts)
            {
                RankOutcome[] outcomes = await OnEveryRankAsync(group,
                    c => RunRankAsync(c, buffers[c.Rank], layout, cancellationToken), cancellationToken).ConfigureAwait(false);
                PerfRow row = Combine(layout, outcomes);
                rows.Add(row);
                reporter.Row(row);
            }
            PerfSummary summary = PerfSummary.Of(rows, _options.Check);
            reporter.End(summary);
            return summary;
        }
        finally
        {
            foreach (Communicator communicator in group)
            {
                await communicator.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Runs <paramref name="body"/> for every rank, each on its own task, since a rank's collective waits for the others.</summary>
    private static Task<TResult[]> OnEveryRankAsync<TResult>(Communicator[] group, Func<Communicator, Task<TResult>> body,
        CancellationToken cancellationToken) =>
        Task.WhenAll(group.Select(communicator => Task.Run(() => body(communicator), cancellationToken)));

    private async Task<bool> WarmUpAsync(Communicator communicator, RankBuffers<T> buffers, CollectiveLayout layout,
        CancellationToken cancellationToken)
    {
        foreach (Placement placement in new[] { Placement.OutOfPlace, Placement.InPlace })
        {
            var call = PerfCall<T>.For(layout, buffers, communicator.Rank, placement, _options.Op, _options.Root);
            call.Prepare(_expected, communicator.Rank);
            for (int i = 0; i < _options.WarmupIterations; i++)
            {
                await call.RunAsync(communicator, cancellationToken).ConfigureAwait(false);
            }
        }
        return true;
    }

    private async Task<RankOutcome> RunRankAsync(Communicator communicator, RankBuffers<T> buffers, CollectiveLayout layout,
        CancellationToken cancellationToken)
    {
        int rank = communicator.Rank;
        var outOfPlace = PerfCall<T>.For(layout, buffers, rank, Placement.OutOfPlace, _options.Op, _options.Root);
        double outOfPlaceUs = await TimeAsync(communicator, outOfPlace, cancellationToken).ConfigureAwait(false);
        long outOfPlaceWrong = await CheckAsync(communicator, outOfPlace, layout, cancellationToken).ConfigureAwait(false);

        var inPlace = PerfCall<T>.For(layout, buffers, rank, Placement.InPlace, _options.Op, _options.Root);
        double inPlaceUs = await TimeAsync(communicator, inPlace, cancellationToken).ConfigureAwait(false);
        long inPlaceWrong = await CheckAsync(communicator, inPlace, layout, cancellationToken).ConfigureAwait(false);
        return new RankOutcome(outOfPlaceUs, outOfPlaceWrong, inPlaceUs, inPlaceWrong);
    }

    /// <summary>Mean microseconds per call over the timed iterations, after warm-up and a barrier.</summary>
    private async Task<double> TimeAsync(Communicator communicator, PerfCall<T> call, CancellationToken cancellationToken)
    {
        call.Prepare(_expected, communicator.Rank);
        for (int i = 0; i < _options.WarmupIterations; i++)
        {
            await call.RunAsync(communicator, cancellationToken).ConfigureAwait(false);
        }
        // Every rank starts its clock together, so the slowest rank's mean is the collective's time.
        await communicator.BarrierAsync(cancellationToken).ConfigureAwait(false);
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < _options.Iterations; i++)
        {
            await call.RunAsync(communicator, cancellationToken).ConfigureAwait(false);
        }
        return Stopwatch.GetElapsedTime(start).TotalMicroseconds / _options.Iterations;
    }

    /// <summary>One more call on fresh inputs and poisoned outputs; counts this rank's wrong output elements.</summary>
    private async Task<long> CheckAsync(Communicator communicator, PerfCall<T> call, CollectiveLayout layout, CancellationToken cancellationToken)
    {
        if (!_options.Check)
        {
            return 0;
        }
        call.Prepare(_expected, communicator.Rank);
        await call.RunAsync(communicator, cancellationToken).ConfigureAwait(false);
        return ResultChecker.CountWrong(_expected, communicator.Rank, layout, call.Output.Span);
    }

    private PerfRow Combine(CollectiveLayout layout, RankOutcome[] outcomes)
    {
        double outOfPlaceUs = outcomes.Max(o => o.OutOfPlaceUs);
        double inPlaceUs = outcomes.Max(o => o.InPlaceUs);
        long? outOfPlaceWrong = _options.Check ? outcomes.Sum(o => o.OutOfPlaceWrong) : null;
        long? inPlaceWrong = _options.Check ? outcomes.Sum(o => o.InPlaceWrong) : null;
        CollectiveKind kind = _options.Collective;
        int ranks = _options.Ranks;
        return new PerfRow(
            layout,
            DataTypeNames.Name(DataTypes.Of<T>()),
            CollectiveNames.Reduces(kind) ? ReduceOpNames.Name(_options.Op) : "none",
            CollectiveNames.HasRoot(kind) ? _options.Root : -1,
            new PlacementResult(outOfPlaceUs, BusBandwidth.AlgBw(layout.SizeBytes, outOfPlaceUs),
                BusBandwidth.BusBw(kind, ranks, layout.SizeBytes, outOfPlaceUs), outOfPlaceWrong),
            new PlacementResult(inPlaceUs, BusBandwidth.AlgBw(layout.SizeBytes, inPlaceUs),
                BusBandwidth.BusBw(kind, ranks, layout.SizeBytes, inPlaceUs), inPlaceWrong));
    }
}
