using System.Diagnostics;
using Collectives.Cli.Measurement;
using Collectives.Kernels;
using Collectives.Selection;

namespace Collectives.Cli.Perf;

/// <summary>
/// The sweep for one element type: starts the ranks, and for each size runs every rank on its
/// own task through warm-up, timed blocks of out-of-place and in-place calls in turn, and the check.
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

    /// <summary>
    /// This rank's measurement, then the group's, the same on every rank: per block the slowest
    /// rank's time (a collective takes as long as its slowest rank), then per placement the median
    /// block; wrong elements summed over ranks.
    /// </summary>
    private async Task<RankOutcome> MeasureAndCombineAsync(Communicator communicator, RankBuffers<T> buffers, CollectiveLayout layout,
        CancellationToken cancellationToken)
    {
        (double[] blocks, long[] wrong) = await RunRankAsync(communicator, buffers, layout, cancellationToken).ConfigureAwait(false);
        await communicator.AllReduceAsync<double>(blocks, ReduceOp.Max, cancellationToken).ConfigureAwait(false);
        await communicator.AllReduceAsync<long>(wrong, ReduceOp.Sum, cancellationToken).ConfigureAwait(false);
        double outOfPlace = Median.Of(blocks.Where((_, i) => i % 2 == 0).ToArray());
        double inPlace = Median.Of(blocks.Where((_, i) => i % 2 == 1).ToArray());
        return new RankOutcome(outOfPlace, wrong[0], inPlace, wrong[1]);
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
        PerfCall<T>[] calls = BothPlacements(communicator, buffers, layout);
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

    /// <summary>This rank's out-of-place and in-place calls of one size, in that order.</summary>
    private PerfCall<T>[] BothPlacements(Communicator communicator, RankBuffers<T> buffers, CollectiveLayout layout) =>
        [.. new[] { Placement.OutOfPlace, Placement.InPlace }
            .Select(placement => PerfCall<T>.For(layout, buffers, communicator.Rank, placement, _options.Op, _options.Root))];

    private async Task<bool> WarmUpAsync(Communicator communicator, RankBuffers<T> buffers, CollectiveLayout layout,
        CancellationToken cancellationToken)
    {
        foreach (PerfCall<T> call in BothPlacements(communicator, buffers, layout))
        {
            call.Prepare(_expected, communicator.Rank);
            for (int i = 0; i < _options.WarmupFor(layout.SizeBytes); i++)
            {
                await call.RunAsync(communicator, cancellationToken).ConfigureAwait(false);
            }
        }
        return true;
    }

    /// <summary>
    /// This rank's timings of one size: both placements warmed up, then <see cref="TimedBlocks"/>
    /// blocks of each in turn (out of place, in place, out of place, ...), the timed iterations
    /// shared among them; mean microseconds per call of every block, placements interleaved, and
    /// wrong elements per placement. Timed one placement after the other, whichever went first
    /// absorbed what a new size disturbs (measured at 1 MiB under emulated circuits, 10 calls: 1.26x
    /// the in-place time; 64 KiB over shared memory: 1.5-3x), and a burst of load from outside
    /// landed on one placement; interleaved blocks and their median spread both evenly.
    /// </summary>
    private async Task<(double[] Blocks, long[] Wrong)> RunRankAsync(Communicator communicator, RankBuffers<T> buffers, CollectiveLayout layout,
        CancellationToken cancellationToken)
    {
        await WarmUpAsync(communicator, buffers, layout, cancellationToken).ConfigureAwait(false);
        PerfCall<T>[] calls = BothPlacements(communicator, buffers, layout);
        int[] blockSizes = BlockSizes(_options.IterationsFor(layout.SizeBytes));
        double[] blocks = new double[2 * blockSizes.Length];
        for (int block = 0; block < blockSizes.Length; block++)
        {
            for (int placement = 0; placement < calls.Length; placement++)
            {
                blocks[(2 * block) + placement] = await TimeAsync(communicator, calls[placement], blockSizes[block], cancellationToken).ConfigureAwait(false);
            }
        }
        long[] wrong = [await CheckAsync(communicator, calls[0], layout, cancellationToken).ConfigureAwait(false),
            await CheckAsync(communicator, calls[1], layout, cancellationToken).ConfigureAwait(false)];
        return (blocks, wrong);
    }

    /// <summary>Blocks the timed iterations of each placement are cut into (fewer when there are fewer iterations).</summary>
    internal const int TimedBlocks = 5;

    /// <summary>Calls per timed block: <see cref="TimedBlocks"/> blocks (one per call when fewer), the first taking the remainder, adding up to <paramref name="iterations"/>.</summary>
    internal static int[] BlockSizes(int iterations)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        int count = Math.Min(TimedBlocks, iterations);
        return [.. Enumerable.Range(0, count).Select(block => (iterations / count) + (block < iterations % count ? 1 : 0))];
    }

    /// <summary>Mean microseconds per call over <paramref name="iterations"/> calls on fresh inputs, started together after a barrier.</summary>
    private async Task<double> TimeAsync(Communicator communicator, PerfCall<T> call, int iterations, CancellationToken cancellationToken)
    {
        // Fresh inputs per block: repeated in-place sums would otherwise grow to infinities.
        call.Prepare(_expected, communicator.Rank);
        // Every rank starts its clock together, so the slowest rank's mean is the collective's time.
        await communicator.BarrierAsync(cancellationToken).ConfigureAwait(false);
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
        AlgorithmChoice choice = communicator.Plan(layout.Kind, DataTypes.Of<T>(), layout.SizeBytes, inPlace: false);
        AlgorithmChoice inPlace = communicator.Plan(layout.Kind, DataTypes.Of<T>(), layout.SizeBytes, inPlace: true);
        return new PerfPrediction(AlgorithmNames.Name(choice.Algorithm), choice.PredictedSeconds * 1e6, inPlace.PredictedSeconds * 1e6);
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
