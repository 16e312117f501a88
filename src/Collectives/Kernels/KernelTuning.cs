namespace Collectives.Kernels;

/// <summary>
/// Every number that tunes the reduction loops, with the reason for it. Measured with
/// bench/kernels.sh on the development machine (2 vCPU AMD EPYC, AVX2); re-measure before changing.
/// </summary>
internal static class KernelTuning
{
    /// <summary>
    /// Vectors reduced per iteration of the main loop (the loop body is written out this many
    /// times). Four independent load-load-op-store chains keep both load ports busy and cut the
    /// loop overhead to a quarter; eight measured no faster.
    /// </summary>
    public const int UnrolledVectors = 4;

    /// <summary>
    /// From this many bytes per buffer the main loop starts at the destination's first
    /// vector-aligned element, so no store splits a cache line. Below it the one unaligned prologue
    /// vector costs more than the split stores it saves.
    /// </summary>
    public const int AlignDestinationMinBytes = 1024;
}
