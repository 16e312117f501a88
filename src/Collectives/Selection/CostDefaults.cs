using Collectives.Kernels;
using Collectives.Topology;

namespace Collectives.Selection;

/// <summary>
/// The built-in cost table, used for any link class a tune profile does not cover. Numbers are
/// from this project's reference machine (2 cores, DDR4, loopback TCP; bench/compare.sh and
/// bench/kernels.sh), rounded; `collectives tune` replaces them with this machine's own.
/// </summary>
public static class CostDefaults
{
    private const double Nanosecond = 1e-9;
    private const double Microsecond = 1e-6;

    public static CostProfile Profile { get; } = new()
    {
        Links = new Dictionary<LinkClass, LinkCost>
        {
            // A rank and itself moves nothing; kept so every class has an entry.
            [LinkClass.Self] = new(0, CostCurve.Flat(0.01 * Nanosecond)),
            // Tasks of one process: a task hand-off per message, then a memcpy from cache or DRAM.
            [LinkClass.InProcess] = new(2 * Microsecond, new([(64 << 10, 0.08 * Nanosecond), (16 << 20, 0.25 * Nanosecond)])),
            // Shared-memory rings between two processes: ~1 µs one way (futex wake-ups when
            // ranks outnumber cores cost more); 0.09 ns/B while the working set fits in cache,
            // 0.3 ns/B (≈3.3 GB/s, two copies through DRAM) beyond it.
            [LinkClass.SharedMemory] = new(1 * Microsecond,
                new([(64 << 10, 0.12 * Nanosecond), (1 << 20, 0.09 * Nanosecond), (16 << 20, 0.30 * Nanosecond), (256 << 20, 0.30 * Nanosecond)])),
            // Loopback TCP: ~7 µs one way through two kernels; ~1 GB/s per direction.
            [LinkClass.Tcp] = new(7 * Microsecond,
                new([(64 << 10, 1.1 * Nanosecond), (1 << 20, 1.0 * Nanosecond), (256 << 20, 0.9 * Nanosecond)])),
            // A 100 Gb/s RDMA NIC: 3 µs, 12.5 GB/s (no NIC here; libfabric's tcp provider is slower).
            [LinkClass.Rdma] = new(3 * Microsecond, CostCurve.Flat(0.08 * Nanosecond)),
            // A 400 Gb/s optical circuit once lit: 2 µs, 50 GB/s (reconfiguration is priced by the circuit model).
            [LinkClass.OpticalCircuit] = new(2 * Microsecond, CostCurve.Flat(0.02 * Nanosecond)),
        },
        // float32 sum, per output byte (three bytes touched): 137 GB/s touched in L2, 100 in L3, 21-23 from DRAM.
        Gamma = new([(64 << 10, 0.022 * Nanosecond), (1 << 20, 0.03 * Nanosecond), (16 << 20, 0.13 * Nanosecond), (256 << 20, 0.14 * Nanosecond)]),
    };

    /// <summary>
    /// How much slower than float32 one byte of <paramref name="type"/> reduces: 16-bit floats
    /// widen to float32 and round back (1.3× from DRAM, 2× in cache: 1.6 taken); the rest run
    /// at float32's speed per byte.
    /// </summary>
    public static double ReduceFactor(DataType type) => type is DataType.Float16 or DataType.BFloat16 ? 1.6 : 1.0;
}
