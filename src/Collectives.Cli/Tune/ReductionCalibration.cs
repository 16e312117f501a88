using System.Diagnostics;
using System.Runtime.InteropServices;
using Collectives.Cli.Measurement;
using Collectives.Kernels;

namespace Collectives.Cli.Tune;

/// <summary>
/// Gamma: seconds per output byte of the float32 Sum kernel the algorithms reduce with
/// (<see cref="ReductionKernels.Reduce(DataType, ReduceOp, ReadOnlySpan{byte}, ReadOnlySpan{byte}, Span{byte})"/>,
/// dst = a + b over S bytes each) at each call size S. Every rank of the job runs it at the same
/// time, as every rank of a ring reduces in the same step, so memory-bandwidth sharing between
/// ranks is in the number; the slowest rank's median round is kept.
/// </summary>
internal static class ReductionCalibration
{
    public static async Task<IReadOnlyList<(long Bytes, double SecondsPerByte)>> MeasureAsync(Communicator job, TuneSchedule schedule,
        CancellationToken cancellationToken)
    {
        long largest = schedule.Sizes.Max();
        // Page-aligned, as perf's and the library's scratch buffers are.
        int length = (int)(largest / sizeof(float));
        Memory<float> a = AlignedMemory.Allocate<float>(length), b = AlignedMemory.Allocate<float>(length), dst = AlignedMemory.Allocate<float>(length);
        a.Span.Fill(1);
        b.Span.Fill(2);
        int count = schedule.Sizes.Count;
        var rounds = schedule.Sizes.Select(_ => new List<double>(schedule.Rounds)).ToArray();
        // Round 0 is untimed (caches, first use); later rounds visit every size in turn, as the link calibration does.
        for (int round = 0; round <= schedule.Rounds; round++)
        {
            for (int i = 0; i < count; i++)
            {
                int floats = (int)(schedule.Sizes[i] / sizeof(float));
                long bytes = (long)floats * sizeof(float);
                await job.BarrierAsync(cancellationToken).ConfigureAwait(false);
                double seconds = Round(a, b, dst, floats, schedule.RepetitionsFor(bytes));
                if (round > 0)
                {
                    rounds[i].Add(seconds / bytes);
                }
            }
        }
        double[] perByte = rounds.Select(Median.Of).ToArray();
        await job.AllReduceAsync<double>(perByte, ReduceOp.Max, cancellationToken).ConfigureAwait(false);
        return schedule.Sizes.Select((size, i) => (size, perByte[i])).ToArray();
    }

    /// <summary>Seconds per reduction of <paramref name="floats"/> elements, averaged over back-to-back repetitions.</summary>
    private static double Round(Memory<float> a, Memory<float> b, Memory<float> dst, int floats, int repetitions)
    {
        ReadOnlySpan<byte> left = MemoryMarshal.AsBytes(a.Span[..floats]);
        ReadOnlySpan<byte> right = MemoryMarshal.AsBytes(b.Span[..floats]);
        Span<byte> output = MemoryMarshal.AsBytes(dst.Span[..floats]);
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < repetitions; i++)
        {
            ReductionKernels.Reduce(DataType.Float32, ReduceOp.Sum, left, right, output);
        }
        return Stopwatch.GetElapsedTime(start).TotalSeconds / repetitions;
    }
}
