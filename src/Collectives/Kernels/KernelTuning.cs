namespace Collectives.Kernels;

/// <summary>
/// Every number that tunes the reduction loops, with the reason for it. Measured with
/// bench/kernels.sh on the development machine (2 vCPU AMD EPYC, AVX2); re-measure before changing.
/// </summary>
internal static class KernelTuning
{
    /// <summary>
    /// Vectors reduced per iteration of the main loop (the loop body is written out this many
    /// times, so change both together). Eight keep the loop's own instructions (pointer bumps,
    /// counter, branch) under one per vector; on the 2-vCPU test machine, whose core is shared,
    /// that measured up to 25% faster than four for in-cache float buffers, and equal beyond L2.
    /// </summary>
    public const int UnrolledVectors = 8;

    /// <summary>
    /// From this many bytes per buffer the main loop starts at the destination's first
    /// vector-aligned element, so no store splits a cache line: a misaligned 64 KiB float sum ran
    /// 25-35% faster aligned. Below about 1 KiB the extra prologue vector cost more than it saved.
    /// </summary>
    public const int AlignDestinationMinBytes = 1024;

    // No non-temporal stores and no software prefetch: both were measured and both lost. An
    // in-place reduction has just loaded every destination line, so streaming the result out
    // saves no read-for-ownership and only evicts the line (256 MiB: 15-17 GB/s streaming versus
    // 19-20 GB/s plain), and the hardware prefetcher already follows two linear streams.
}
