using BenchmarkDotNet.Attributes;
using Collectives.Transport;

namespace Collectives.Benchmarks.SharedMemory;

/// <summary>
/// Round trip of one frame over a shared-memory link: endpoint A (the benchmark thread) sends,
/// endpoint B (its own thread) receives and sends a frame of the same size back. One operation
/// is one round trip; the one-way latency is half of it.
/// </summary>
[Config(typeof(SharedMemoryBenchmarkConfig))]
public class SharedMemoryPingPongBenchmarks
{
    private const int RoundTripsPerInvoke = 1000;

    private ShmLinkPair? _pair;
    private Thread? _echo;
    private byte[] _payload = [];

    [Params(8, 4096)]
    public int Bytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        ShmLinkPair pair = _pair = ShmLinkPair.Create();
        _payload = new byte[Bytes];
        byte[] reply = new byte[Bytes];
        _echo = ShmLinkPair.StartPeer("shm echo", () =>
        {
            for (long i = 0; ; i++)
            {
                using (InboundFrame frame = ShmLinkPair.Receive(pair.B))
                {
                    frame.Payload.Span.CopyTo(reply);
                }
                ShmLinkPair.Send(pair.B, ShmLinkPair.Header(i, reply.Length), reply);
            }
        });
    }

    [Benchmark(OperationsPerInvoke = RoundTripsPerInvoke)]
    public int RoundTrip()
    {
        IPeerLink link = _pair!.A;
        int sum = 0;
        for (int i = 0; i < RoundTripsPerInvoke; i++)
        {
            ShmLinkPair.Send(link, ShmLinkPair.Header(i, _payload.Length), _payload);
            using InboundFrame frame = ShmLinkPair.Receive(link);
            sum += frame.Payload.Length;
        }
        return sum;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _pair?.Dispose();
        _echo?.Join();
    }
}
