using System.Diagnostics;

namespace Collectives.Cli.Tune;

/// <summary>
/// Measures alpha and ring-step times between the two ranks of <paramref name="pair"/>-sized
/// communicators, through the public send and receive calls, which run the same frames, links
/// and slots as the algorithms' steps.
/// </summary>
internal static class LinkCalibration
{
    /// <summary>
    /// Alpha: half a ping-pong round trip of one float (send and receive calls), median of many
    /// timed one by one. Steps: per call size S, a 2-rank all-gather of S, which is one ring step
    /// (both ranks send S/2 to each other at once, chunk by chunk, through the same
    /// send-and-receive loop every ring step of every algorithm runs), less the copy of the
    /// rank's own block into the output that an all-gather makes first and an all-reduce's steps
    /// do not. A round repeats the call back to back and is timed as a whole (mean per call, as
    /// perf times calls); the median round is kept. Measured first with concurrent send and
    /// receive calls instead, the step came out 2x slower than the ring's at 1 MiB on this 2-core
    /// machine (two tasks' thread-pool hops per step), so the prediction missed. The slower
    /// rank's number wins, as perf reports the slower rank; both ranks get the same result.
    /// </summary>
    public static async Task<LinkMeasurement> MeasureAsync(Communicator pair, TuneSchedule schedule, CancellationToken cancellationToken)
    {
        if (pair.Size != 2)
        {
            throw new ArgumentException($"Link calibration runs on 2 ranks, not {pair.Size}.", nameof(pair));
        }
        int peer = 1 - pair.Rank;
        double alpha = await PingPongAsync(pair, peer, schedule.PingPongs, cancellationToken).ConfigureAwait(false);
        long largest = schedule.Sizes.Max();
        float[] input = new float[largest / 2 / sizeof(float)];
        float[] output = new float[input.Length * 2];
        // Touch every page before timing: first-touch faults are not the link's cost.
        input.AsSpan().Fill(1);
        output.AsSpan().Clear();
        double[] steps = new double[schedule.Sizes.Count];
        for (int i = 0; i < schedule.Sizes.Count; i++)
        {
            int block = (int)(schedule.Sizes[i] / 2 / sizeof(float));
            Memory<float> mine = input.AsMemory(0, block), all = output.AsMemory(0, 2 * block);
            int repetitions = schedule.RepetitionsFor((long)block * sizeof(float));
            // One untimed round first: the link's buffers and the caches settle at this size.
            await GatherRoundAsync(pair, mine, all, repetitions, cancellationToken).ConfigureAwait(false);
            var gathers = new List<double>(schedule.Rounds);
            var copies = new List<double>(schedule.Rounds);
            for (int round = 0; round < schedule.Rounds; round++)
            {
                await pair.BarrierAsync(cancellationToken).ConfigureAwait(false);
                gathers.Add(await GatherRoundAsync(pair, mine, all, repetitions, cancellationToken).ConfigureAwait(false));
                copies.Add(CopyRound(mine.Span, all.Span.Slice(pair.Rank * block, block), repetitions));
            }
            steps[i] = Math.Max(0, Median.Of(gathers) - Median.Of(copies));
        }
        double[] combined = [alpha, .. steps];
        await pair.AllReduceAsync<double>(combined, ReduceOp.Max, cancellationToken).ConfigureAwait(false);
        return new LinkMeasurement(combined[0], schedule.Sizes.Select((size, i) => (size, combined[i + 1])).ToArray());
    }

    /// <summary>Rank 0 times round trips; rank 1 echoes. Returns rank 0's median half round trip (rank 1: 0, the max takes rank 0's).</summary>
    private static async Task<double> PingPongAsync(Communicator pair, int peer, int count, CancellationToken cancellationToken)
    {
        float[] message = [1];
        const int WarmUp = 20;
        var halves = new List<double>(count);
        await pair.BarrierAsync(cancellationToken).ConfigureAwait(false);
        for (int i = 0; i < WarmUp + count; i++)
        {
            if (pair.Rank == 0)
            {
                long start = Stopwatch.GetTimestamp();
                await pair.SendAsync<float>(message, peer, cancellationToken).ConfigureAwait(false);
                await pair.ReceiveAsync<float>(message, peer, cancellationToken).ConfigureAwait(false);
                if (i >= WarmUp)
                {
                    halves.Add(Stopwatch.GetElapsedTime(start).TotalSeconds / 2);
                }
            }
            else
            {
                await pair.ReceiveAsync<float>(message, peer, cancellationToken).ConfigureAwait(false);
                await pair.SendAsync<float>(message, peer, cancellationToken).ConfigureAwait(false);
            }
        }
        return pair.Rank == 0 ? Median.Of(halves) : 0;
    }

    /// <summary>Seconds per 2-rank all-gather, averaged over <paramref name="repetitions"/> back-to-back calls.</summary>
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

    /// <summary>Seconds per copy of this rank's block into its place in the output, which an all-gather makes before its step.</summary>
    private static double CopyRound(ReadOnlySpan<float> mine, Span<float> place, int repetitions)
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < repetitions; i++)
        {
            mine.CopyTo(place);
        }
        return Stopwatch.GetElapsedTime(start).TotalSeconds / repetitions;
    }
}
