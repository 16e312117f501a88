using System.Diagnostics;
using Collectives.Kernels;
using Collectives.Selection;

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

    /// <summary>
    /// Runs the sweep on the ranks this process holds: every rank of an in-process group, or the
    /// one rank of a multi-process job. Ranks combine their measurements with collectives (the
    /// slowest rank's time, the sum of wrong elements), so both cases report the same way; the
    /// process holding rank 0 reports and gets the summary, the others get null.
    /// </summary>
    public async Task<PerfSummary> RunAsync(IReadOnlyList<Communicator> localRanks, IPerfReporter reporter, CancellationToken cancellationToken)
    {
        IReadOnlyList<CollectiveLayout> layouts = SizeSweep.Layouts(_options);
        Communicator? reporting = localRanks.FirstOrDefault(c => c.Rank == 0);
        bool reports = reporting is not null;
        // Once, for the largest size; every size slices them.
        Dictionary<int, RankBuffers<T>> buffers = localRanks.ToDictionary(c => c.Rank, _ => new RankBuffers<T>(layouts, _options.OffsetBytes));
        if (reports)
        {
            reporter.Begin(_options);
        }
        // Like nccl-tests, warm up at the largest and the smallest size before the sweep, so the
        // first rows pay for neither JIT nor first touch of the buffers.
        foreach (CollectiveLayout layout in new[] { layouts[^1], layouts[0] })
        {
            await OnEveryRankAsync(localRanks, c => WarmUpAsync(c, buffers[c.Rank], layout, cancellationToken), cancellationToken)
                .ConfigureAwait(false);
        }
        if (_options.WarmupIterations > 0)
        {
            await OnEveryRankAsync(localRanks, c => SettleAsync(c, buffers[c.Rank], layouts[0], cancellationToken), cancellationToken)
                .ConfigureAwait(false);
        }
        var rows = new List<PerfRow>(layouts.Count);
        foreach (CollectiveLayout layout in layouts)
        {
            RankOutcome[] combined = await OnEveryRankAsync(localRanks,
                c => MeasureAndCombineAsync(c, buffers[c.Rank], layout, cancellationToken), cancellationToken).ConfigureAwait(false);
            PerfRow row = ToRow(layout, combined[0]) with { Prediction = reporting is not null && _options.Predict ? Predict(reporting, layout) : null };
            rows.Add(row);
            if (reports)
            {
                reporter.Row(row);
            }
        }
        PerfSummary summary = PerfSummary.Of(rows, _options.Check);
        if (reports)
        {
            reporter.End(summary);
        }
        return summary;
    }

    /// <summary>This rank's measurement, then the group's: max time and total wrong over all ranks, the same on every rank.</summary>
    private async Task<RankOutcome> MeasureAndCombineAsync(Communicator communicator, RankBuffers<T> buffers, CollectiveLayout layout,
        CancellationToken cancellationToken)
    {
        RankOutcome mine = await RunRankAsync(communicator, buffers, layout, cancellationToken).ConfigureAwait(false);
        double[] times = [mine.OutOfPlaceUs, mine.InPlaceUs];
        long[] wrong = [mine.OutOfPlaceWrong, mine.InPlaceWrong];
        await communicator.AllReduceAsync<double>(times, ReduceOp.Max, cancellationToken).ConfigureAwait(false);
        await communicator.AllReduceAsync<long>(wrong, ReduceOp.Sum, cancellationToken).ConfigureAwait(false);
        return new RankOutcome(times[0], wrong[0], times[1], wrong[1]);
    }

    /// <summary>Runs <paramref name="body"/> for every rank, each on its own task, since a rank's collective waits for the others.</summary>
    private static Task<TResult[]> OnEveryRankAsync<TResult>(IReadOnlyList<Communicator> group, Func<Communicator, Task<TResult>> body,
        CancellationToken cancellationToken) =>
        Task.WhenAll(group.Select(communicator => Task.Run(() => body(communicator), cancellationToken)));

    /// <summary>
    /// Keeps calling at the smallest size until <see cref="SettleTime"/> has passed on some rank:
    /// processes just started (the other ranks still JIT-compiling, thread-pool workers spinning
    /// down after the large warm-up) slow the first milliseconds of small calls 3-10x (measured:
    /// 8 B at 6-20 µs against 2 µs in the next row). The ranks agree when to stop through an
    /// all-reduce after every block, so each makes the same number of calls.
    /// </summary>
    private async Task<bool> SettleAsync(Communicator communicator, RankBuffers<T> buffers, CollectiveLayout layout,
        CancellationToken cancellationToken)
    {
        const int CallsPerBlock = 100;
        // Both placements, block by block: settled on in-place calls alone, the first row's
        // out-of-place time still ran 1.5-2x its in-place one at 64 KiB over shared memory.
        PerfCall<T>[] calls = [.. new[] { Placement.OutOfPlace, Placement.InPlace }
            .Select(placement => PerfCall<T>.For(layout, buffers, communicator.Rank, placement, _options.Op, _options.Root))];
        long start = Stopwatch.GetTimestamp();
        double[] done = [0];
        for (int block = 0; done[0] == 0; block++)
        {
            PerfCall<T> call = calls[block % calls.Length];
            call.Prepare(_expected, communicator.Rank);
            for (int i = 0; i < CallsPerBlock; i++)
            {
                await call.RunAsync(communicator, cancellationToken).ConfigureAwait(false);
            }
            done[0] = Stopwatch.GetElapsedTime(start) >= SettleTime ? 1 : 0;
            await communicator.AllReduceAsync<double>(done, ReduceOp.Max, cancellationToken).ConfigureAwait(false);
        }
        return true;
    }

    /// <summary>How long <see cref="SettleAsync"/> runs: long enough for start-up noise to pass, short beside a sweep.</summary>
    private static readonly TimeSpan SettleTime = TimeSpan.FromMilliseconds(100);

    private async Task<bool> WarmUpAsync(Communicator communicator, RankBuffers<T> buffers, CollectiveLayout layout,
        CancellationToken cancellationToken)
    {
        foreach (Placement placement in new[] { Placement.OutOfPlace, Placement.InPlace })
        {
            var call = PerfCall<T>.For(layout, buffers, communicator.Rank, placement, _options.Op, _options.Root);
            call.Prepare(_expected, communicator.Rank);
            for (int i = 0; i < _options.WarmupFor(layout.SizeBytes); i++)
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
        double outOfPlaceUs = await TimeAsync(communicator, outOfPlace, layout.SizeBytes, cancellationToken).ConfigureAwait(false);
        long outOfPlaceWrong = await CheckAsync(communicator, outOfPlace, layout, cancellationToken).ConfigureAwait(false);

        var inPlace = PerfCall<T>.For(layout, buffers, rank, Placement.InPlace, _options.Op, _options.Root);
        double inPlaceUs = await TimeAsync(communicator, inPlace, layout.SizeBytes, cancellationToken).ConfigureAwait(false);
        long inPlaceWrong = await CheckAsync(communicator, inPlace, layout, cancellationToken).ConfigureAwait(false);
        return new RankOutcome(outOfPlaceUs, outOfPlaceWrong, inPlaceUs, inPlaceWrong);
    }

    /// <summary>Mean microseconds per call over the timed iterations, after warm-up and a barrier.</summary>
    private async Task<double> TimeAsync(Communicator communicator, PerfCall<T> call, long sizeBytes, CancellationToken cancellationToken)
    {
        call.Prepare(_expected, communicator.Rank);
        for (int i = 0; i < _options.WarmupFor(sizeBytes); i++)
        {
            await call.RunAsync(communicator, cancellationToken).ConfigureAwait(false);
        }
        // Every rank starts its clock together, so the slowest rank's mean is the collective's time.
        await communicator.BarrierAsync(cancellationToken).ConfigureAwait(false);
        int iterations = _options.IterationsFor(sizeBytes);
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < iterations; i++)
        {
            await call.RunAsync(communicator, cancellationToken).ConfigureAwait(false);
        }
        return Stopwatch.GetElapsedTime(start).TotalMicroseconds / iterations;
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

    /// <summary>The selector's own plan for this size, asked of the communicator that ran it (its topology, profile and overrides).</summary>
    private static PerfPrediction Predict(Communicator communicator, CollectiveLayout layout)
    {
        if (communicator.Options.Circuits is { } circuits)
        {
            return CircuitPrediction.Predict(communicator, circuits, layout.Kind, DataTypes.Of<T>(), layout.SizeBytes);
        }
        AlgorithmChoice choice = communicator.Plan(layout.Kind, DataTypes.Of<T>(), layout.SizeBytes);
        return new PerfPrediction(AlgorithmNames.Name(choice.Algorithm), choice.PredictedSeconds * 1e6);
    }

    private PerfRow ToRow(CollectiveLayout layout, RankOutcome outcome)
    {
        long? outOfPlaceWrong = _options.Check ? outcome.OutOfPlaceWrong : null;
        long? inPlaceWrong = _options.Check ? outcome.InPlaceWrong : null;
        CollectiveKind kind = _options.Collective;
        int ranks = _options.Ranks;
        return new PerfRow(
            layout,
            DataTypeNames.Name(DataTypes.Of<T>()),
            CollectiveNames.Reduces(kind) ? ReduceOpNames.Name(_options.Op) : "none",
            CollectiveNames.HasRoot(kind) ? _options.Root : -1,
            new PlacementResult(outcome.OutOfPlaceUs, BusBandwidth.AlgBw(layout.SizeBytes, outcome.OutOfPlaceUs),
                BusBandwidth.BusBw(kind, ranks, layout.SizeBytes, outcome.OutOfPlaceUs), outOfPlaceWrong),
            new PlacementResult(outcome.InPlaceUs, BusBandwidth.AlgBw(layout.SizeBytes, outcome.InPlaceUs),
                BusBandwidth.BusBw(kind, ranks, layout.SizeBytes, outcome.InPlaceUs), inPlaceWrong));
    }
}
