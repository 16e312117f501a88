using System.Diagnostics;
using Collectives.Cli.Measurement;

namespace Collectives.Cli.Tune;

/// <summary>
/// Measures ring-step times, and alpha from them, between the two ranks of <paramref name="pair"/>-sized
/// communicators, through the public send and receive calls, which run the same frames, links
/// and slots as the algorithms' steps.
/// </summary>
internal static class LinkCalibration
{
    /// <summary>
    /// Steps, per call size S: a 2-rank reduce-scatter of S, which is one reduce-scatter step of
    /// a ring (both ranks send S/2 at once, chunk by chunk, and reduce what arrives), and a 2-rank
    /// all-gather of S, which is one all-gather step, less the copy of the rank's own block into
    /// the output that an all-gather makes first and an all-reduce's steps do not (timed as a
    /// one-rank all-gather into the same memory, which makes just that copy with the library's
    /// streaming stores; a Span.CopyTo from cache would undercount it). Alpha: the same two steps
    /// at one element per rank, where bytes cost nothing, so alpha is what a step costs the
    /// algorithms when ranks call back to back. It was half a ping-pong round trip timed call by
    /// call before: on this 2-core machine that was 7 µs over shared memory, where a whole 8-byte
    /// all-reduce takes 3 µs (a lone message waits for a blocked receiver to wake; a step's send
    /// and receive overlap), so steps at 64 KiB came out below alpha and beta there clamped to 0.
    /// A round repeats the call back to back and is timed as a whole (mean per call, as perf
    /// times calls); the median round is kept. Measured first with concurrent send and receive
    /// calls instead, the step came out 2x slower than the ring's at 1 MiB on this 2-core machine
    /// (two tasks' thread-pool hops per step), so the prediction missed. The slower rank's number
    /// wins, as perf reports the slower rank; both ranks get the same result.
    /// </summary>
    public static async Task<LinkMeasurement> MeasureAsync(Communicator pair, TuneSchedule schedule, CancellationToken cancellationToken)
    {
        if (pair.Size != 2)
        {
            throw new ArgumentException($"Link calibration runs on 2 ranks, not {pair.Size}.", nameof(pair));
        }
        long largest = schedule.Sizes.Max();
        // Page-aligned, as perf's buffers are, so the model is measured on the same footing.
        Memory<float> input = AlignedMemory.Allocate<float>((int)(largest / 2 / sizeof(float)));
        Memory<float> output = AlignedMemory.Allocate<float>(input.Length * 2);
        // Touch every page before timing: first-touch faults are not the link's cost.
        input.Span.Fill(1);
        output.Span.Clear();
        // A one-rank all-gather is exactly the local copy a two-rank one makes before its step
        // (the library's own streaming copy, which Span.CopyTo from cache would undercount).
        Communicator[] alone = Communicator.CreateLocalGroup(1);
        await using Communicator self = alone[0];
        // Index 0 is the latency probe: one element per rank.
        int[] blocks = [1, .. schedule.Sizes.Select(size => (int)(size / 2 / sizeof(float)))];
        int count = blocks.Length;
        // Per size: out-of-place gather, its copy, reduce-scatter; then the same steps in place.
        var rounds = blocks.Select(_ => Enumerable.Range(0, 5).Select(_ => new List<double>(schedule.Rounds)).ToArray()).ToArray();
        // Round 0 is untimed: the link's buffers and the caches settle at each size. Later rounds
        // visit every size in turn, so a burst of load from other processes (seconds long on this
        // shared machine) lands on all sizes alike instead of skewing one.
        for (int round = 0; round <= schedule.Rounds; round++)
        {
            for (int i = 0; i < count; i++)
            {
                int block = blocks[i];
                Memory<float> mine = input[..block], all = output[..(2 * block)], own = all.Slice(pair.Rank * block, block);
                int repetitions = schedule.RepetitionsFor((long)block * sizeof(float));
                double[] times = new double[5];
                await pair.BarrierAsync(cancellationToken).ConfigureAwait(false);
                times[0] = await GatherRoundAsync(pair, mine, all, repetitions, cancellationToken).ConfigureAwait(false);
                times[1] = await GatherRoundAsync(self, mine, own, repetitions, cancellationToken).ConfigureAwait(false);
                await pair.BarrierAsync(cancellationToken).ConfigureAwait(false);
                times[2] = await ReduceScatterRoundAsync(pair, all, mine, repetitions, cancellationToken).ConfigureAwait(false);
                // In place (the rank's block of the output is its input; the reduce-scatter's output is its block of
                // the input): the footprint of an in-place all-reduce, half that of an out-of-place one, and no copy.
                await pair.BarrierAsync(cancellationToken).ConfigureAwait(false);
                times[3] = await GatherRoundAsync(pair, own, all, repetitions, cancellationToken).ConfigureAwait(false);
                await pair.BarrierAsync(cancellationToken).ConfigureAwait(false);
                times[4] = await ReduceScatterRoundAsync(pair, all, own, repetitions, cancellationToken).ConfigureAwait(false);
                if (round > 0)
                {
                    for (int k = 0; k < times.Length; k++)
                    {
                        rounds[i][k].Add(times[k]);
                    }
                }
            }
        }
        // Per size: gather and reduce step out of place, then in place.
        double[] steps = new double[4 * count];
        for (int i = 0; i < count; i++)
        {
            double[] median = rounds[i].Select(Median.Of).ToArray();
            steps[4 * i] = Math.Max(0, median[0] - median[1]);
            steps[(4 * i) + 1] = median[2];
            steps[(4 * i) + 2] = median[3];
            steps[(4 * i) + 3] = median[4];
        }
        await pair.AllReduceAsync<double>(steps, ReduceOp.Max, cancellationToken).ConfigureAwait(false);
        // At one element the bytes and the reduce are free: the mean of the two out-of-place steps is alpha.
        // Size s of the schedule is block s + 1 (block 0 is the probe).
        return new LinkMeasurement((steps[0] + steps[1]) / 2,
            schedule.Sizes.Select((size, s) => (size, steps[4 * (s + 1)], steps[(4 * (s + 1)) + 1])).ToArray(),
            schedule.Sizes.Select((size, s) => (size, steps[(4 * (s + 1)) + 2], steps[(4 * (s + 1)) + 3])).ToArray());
    }

    /// <summary>How many numbers <see cref="ToNumbers"/> gives for <paramref name="schedule"/>.</summary>
    public static int NumberCount(TuneSchedule schedule) => 1 + (4 * schedule.Sizes.Count);

    /// <summary>
    /// A measurement as numbers, for passing between ranks: alpha, then gather and reduce step per
    /// size out of place, then the same in place.
    /// </summary>
    public static double[] ToNumbers(LinkMeasurement measurement) =>
    [
        measurement.Alpha,
        .. measurement.Steps.SelectMany(step => new[] { step.GatherStepSeconds, step.ReduceStepSeconds }),
        .. measurement.InPlaceSteps.SelectMany(step => new[] { step.GatherStepSeconds, step.ReduceStepSeconds }),
    ];

    /// <summary>The inverse of <see cref="ToNumbers"/>.</summary>
    public static LinkMeasurement FromNumbers(IReadOnlyList<double> numbers, IReadOnlyList<long> sizes)
    {
        int inPlace = 1 + (2 * sizes.Count);
        return new(numbers[0],
            sizes.Select((size, i) => (size, numbers[1 + (2 * i)], numbers[2 + (2 * i)])).ToArray(),
            sizes.Select((size, i) => (size, numbers[inPlace + (2 * i)], numbers[inPlace + 1 + (2 * i)])).ToArray());
    }

    /// <summary>Seconds per 2-rank reduce-scatter of <paramref name="all"/> (one reduce-scatter step), averaged over back-to-back calls.</summary>
    private static async Task<double> ReduceScatterRoundAsync(Communicator pair, ReadOnlyMemory<float> all, Memory<float> mine, int repetitions,
        CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < repetitions; i++)
        {
            await pair.ReduceScatterAsync(all, mine, ReduceOp.Sum, cancellationToken).ConfigureAwait(false);
        }
        return Stopwatch.GetElapsedTime(start).TotalSeconds / repetitions;
    }

    /// <summary>Seconds per all-gather, averaged over <paramref name="repetitions"/> back-to-back calls.</summary>
    private static async Task<double> GatherRoundAsync(Communicator pair, ReadOnlyMemory<float> mine, Memory<float> all, int repetitions,
        CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < repetitions; i++)
        {
            await pair.AllGatherAsync(mine, all, cancellationToken).ConfigureAwait(false);
        }
        return Stopwatch.GetElapsedTime(start).TotalSeconds / repetitions;
    }
}
