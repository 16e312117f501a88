using BenchmarkDotNet.Attributes;
using Collectives.Algorithms;
using Collectives.Buffers;
using Collectives.Kernels;
using Collectives.Transport;
using Collectives.Wire;

namespace Collectives.Benchmarks.SharedMemory;

/// <summary>
/// A 2-rank float32 sum all-reduce over one shared-memory link, below the communicator: the
/// algorithm runs straight on a <see cref="CollectiveContext"/> per rank, rank 0 on the benchmark
/// thread and rank 1 on its own, as two processes would. Shows what the transport leaves for the
/// communicator's share of the ≤ 2 µs target at 8 B; busbw = algbw for 2 ranks.
/// </summary>
[Config(typeof(SharedMemoryBenchmarkConfig))]
public class SharedMemoryAllReduceBenchmarks
{
    private const int ChunkBytes = 1 << 20;

    private ShmLinkPair? _pair;
    private Thread? _peer;
    private Rank? _rank0;

    [Params(8, 64 << 10, 1 << 20)]
    public int Bytes { get; set; }

    [Params(Algorithm.Ring, Algorithm.Tree)]
    public Algorithm Algorithm { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        ShmLinkPair pair = _pair = ShmLinkPair.Create();
        _rank0 = new Rank(0, pair.A, Bytes, Algorithm);
        var rank1 = new Rank(1, pair.B, Bytes, Algorithm);
        _peer = ShmLinkPair.StartPeer("shm rank 1", () =>
        {
            while (true)
            {
                rank1.Run();
            }
        });
    }

    [Benchmark]
    [TouchedBytes(1)]
    public void AllReduce() => _rank0!.Run();

    [GlobalCleanup]
    public void Cleanup()
    {
        _pair?.Dispose();
        _peer?.Join();
    }

    /// <summary>One rank's context and buffers; runs one all-reduce at a time, synchronously.</summary>
    private sealed class Rank
    {
        private readonly CollectiveContext _context;
        private readonly CollectiveCall _call;
        private long _sequence;

        public Rank(int rank, IPeerLink link, int bytes, Algorithm algorithm)
        {
            IPeerLink?[] links = rank == 0 ? [null, link] : [link, null];
            _context = new CollectiveContext(rank, 2, links, 1, 0, new ScratchArena(), ChunkBytes,
                error => link.Abort(new AbortReason(AbortCode.Failed, rank, error.Message)));
            int count = bytes / sizeof(float);
            byte[] input = new byte[bytes];
            // Ordinary finite values: random bits would include NaNs and denormals (slow adds).
            System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(input.AsSpan()).Fill(rank + 1);
            _call = new CollectiveCall(CollectiveKind.AllReduce, DataType.Float32, ReduceOp.Sum, algorithm, 0, count,
                input, new byte[bytes]);
        }

        public void Run()
        {
            _context.Begin(_call.Fingerprint, ++_sequence);
            ValueTask run = AlgorithmRunner.RunAsync(_context, _call);
            if (run.IsCompletedSuccessfully)
            {
                run.GetAwaiter().GetResult();
            }
            else
            {
                run.AsTask().GetAwaiter().GetResult();
            }
        }
    }
}
