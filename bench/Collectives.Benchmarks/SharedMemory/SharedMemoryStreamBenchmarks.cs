using BenchmarkDotNet.Attributes;
using Collectives.Kernels;
using Collectives.Transport;

namespace Collectives.Benchmarks.SharedMemory;

/// <summary>
/// Streaming over a shared-memory link: endpoint A (the benchmark thread) sends frames of
/// <see cref="Bytes"/> back to back; endpoint B (its own thread) adds each payload as float32
/// straight out of the ring into its destination (the zero-copy reduce an all-reduce does), then
/// releases the frame. An invocation ends when B acknowledges the last frame. GB/s counts payload
/// bytes once.
/// </summary>
[Config(typeof(SharedMemoryBenchmarkConfig))]
public class SharedMemoryStreamBenchmarks
{
    private const int FramesPerInvoke = 32;

    private ShmLinkPair? _pair;
    private Thread? _reducer;
    private byte[] _source = [];

    [Params(64 << 10, 1 << 20, 4 << 20)]
    public int Bytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        ShmLinkPair pair = _pair = ShmLinkPair.Create();
        _source = new byte[Bytes];
        new Random(1).NextBytes(_source);
        // Finite floats, so the sums stay ordinary numbers.
        Span<float> values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(_source.AsSpan());
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = i % 1000;
        }
        byte[] destination = new byte[Bytes];
        _reducer = ShmLinkPair.StartPeer("shm reducer", () =>
        {
            for (long acks = 0; ; )
            {
                using InboundFrame frame = ShmLinkPair.Receive(pair.B);
                if (frame.Header.Sequence < 0)
                {
                    ShmLinkPair.Send(pair.B, ShmLinkPair.Header(acks++, 0), ReadOnlyMemory<byte>.Empty);
                    continue;
                }
                ReductionKernels.Reduce(DataType.Float32, ReduceOp.Sum, destination, frame.Payload.Span, destination);
            }
        });
    }

    [Benchmark(OperationsPerInvoke = FramesPerInvoke)]
    [TouchedBytes(1)]
    public void Stream()
    {
        IPeerLink link = _pair!.A;
        for (int i = 0; i < FramesPerInvoke; i++)
        {
            ShmLinkPair.Send(link, ShmLinkPair.Header(i, _source.Length), _source);
        }
        ShmLinkPair.Send(link, ShmLinkPair.Header(-1, 0), ReadOnlyMemory<byte>.Empty);
        ShmLinkPair.Receive(link).Dispose();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _pair?.Dispose();
        _reducer?.Join();
    }
}
