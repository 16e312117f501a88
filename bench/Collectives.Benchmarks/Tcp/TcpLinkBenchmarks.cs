using BenchmarkDotNet.Attributes;
using Collectives.Kernels;
using Collectives.Security;
using Collectives.Transport;
using Collectives.Transport.Tcp;
using Collectives.Wire;

namespace Collectives.Benchmarks.Tcp;

/// <summary>
/// Two tcp transports in this process over loopback, one link between them; the far end runs a
/// loop on the thread pool. Latency: an 8-byte round trip, and an 8-byte exchange (both ends
/// send, then receive: one step of a 2-rank all-reduce). Throughput: one end streams frames that
/// the other receives straight into a buffer; "GB/s" is payload bytes per second.
/// <code>dotnet run -c Release --project bench/Collectives.Benchmarks -- --filter '*Tcp*'</code>
/// </summary>
public abstract class TcpLinkBenchmarkBase
{
    private TcpTransport? _near;
    private TcpTransport? _far;
    private Task? _farLoop;

    protected IPeerLink Near { get; private set; } = null!;

    protected IPeerLink Far { get; private set; } = null!;

    protected static FrameHeader Header(long sequence, int length) =>
        new(FrameKind.Data, 1, 0, 0, sequence,
            new OperationFingerprint(CollectiveKind.AllReduce, DataType.Float32, ReduceOp.Sum, Algorithm.Ring, 0, length / 4), 0, length);

    protected void Connect(TcpTransportOptions options, Func<Task> farLoop)
    {
        var credentials = JobCredentials.Create("tcp-benchmark", "benchmark-secret");
        _near = new TcpTransport(options);
        _far = new TcpTransport(options);
        byte[] nearAddress = _near.StartAsync(new TransportEndpoint(credentials, 0, 2, "bench", TimeSpan.FromSeconds(10)), default)
            .AsTask().GetAwaiter().GetResult();
        byte[] farAddress = _far.StartAsync(new TransportEndpoint(credentials, 1, 2, "bench", TimeSpan.FromSeconds(10)), default)
            .AsTask().GetAwaiter().GetResult();
        Task<IPeerLink> near = _near.ConnectAsync(new LinkKey(1, 0, 1), farAddress, default).AsTask();
        Task<IPeerLink> far = _far.ConnectAsync(new LinkKey(1, 1, 0), nearAddress, default).AsTask();
        Near = near.GetAwaiter().GetResult();
        Far = far.GetAwaiter().GetResult();
        _farLoop = Task.Run(async () =>
        {
            try
            {
                await farLoop();
            }
            catch (LinkAbortedException)
            {
                // the benchmark is over
            }
        });
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Near.Abort(new AbortReason(AbortCode.Closed, 0, "benchmark done"));
        _farLoop?.GetAwaiter().GetResult();
        _near?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _far?.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}

/// <summary>8-byte round trip and exchange; see <see cref="TcpLinkBenchmarkBase"/>.</summary>
[Config(typeof(TcpBenchmarkConfig))]
public class TcpLatencyBenchmarks : TcpLinkBenchmarkBase
{
    private readonly byte[] _payload = new byte[8];
    private long _sequence;

    /// <summary>Receive polling budget in µs (0: always wait through epoll and the thread pool).</summary>
    [Params(0, 50)]
    public int SpinMicroseconds { get; set; }

    [GlobalSetup(Target = nameof(RoundTrip))]
    public void SetupRoundTrip() => Connect(Options(), async () =>
    {
        byte[] echo = new byte[8];
        var direct = (IDirectReceive)Far;
        for (long i = 0; ; i++)
        {
            await direct.ReceiveHeaderAsync();
            await direct.ReceivePayloadAsync(echo);
            await Far.SendAsync(Header(i, 8), echo);
        }
    });

    [GlobalSetup(Target = nameof(Exchange))]
    public void SetupExchange() => Connect(Options(), async () =>
    {
        byte[] mine = new byte[8];
        byte[] theirs = new byte[8];
        var direct = (IDirectReceive)Far;
        for (long i = 0; ; i++)
        {
            ValueTask send = Far.SendAsync(Header(i, 8), mine);
            await direct.ReceiveHeaderAsync();
            await direct.ReceivePayloadAsync(theirs);
            await send;
        }
    });

    /// <summary>Near sends 8 bytes, far echoes them: two one-way trips.</summary>
    [Benchmark]
    public async Task RoundTrip()
    {
        var direct = (IDirectReceive)Near;
        await Near.SendAsync(Header(_sequence++, 8), _payload);
        await direct.ReceiveHeaderAsync();
        await direct.ReceivePayloadAsync(_payload);
    }

    /// <summary>Both ends send 8 bytes and receive the other's: the latency floor of a 2-rank all-reduce.</summary>
    [Benchmark]
    public async Task Exchange()
    {
        ValueTask send = Near.SendAsync(Header(_sequence++, 8), _payload);
        using (await Near.ReceiveAsync())
        {
        }
        await send;
    }

    private TcpTransportOptions Options() => new() { ReceiveSpin = TimeSpan.FromMicroseconds(SpinMicroseconds) };
}

/// <summary>One-way streaming of frames striped over 1, 2 or 4 sockets; see <see cref="TcpLinkBenchmarkBase"/>.</summary>
[Config(typeof(TcpBenchmarkConfig))]
public class TcpStreamBenchmarks : TcpLinkBenchmarkBase
{
    private byte[] _payload = [];
    private long _sequence;

    [Params(64 << 10, 1 << 20, 4 << 20)]
    public int Bytes { get; set; }

    [Params(1, 2, 4)]
    public int SocketsPerPeer { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _payload = new byte[Bytes];
        new Random(1).NextBytes(_payload);
        byte[] destination = new byte[Bytes];
        // A low threshold so every size is striped over SocketsPerPeer sockets (1 = never striped).
        Connect(new TcpTransportOptions { SocketsPerPeer = SocketsPerPeer, StripeThreshold = 32 << 10 }, async () =>
        {
            var direct = (IDirectReceive)Far;
            while (true)
            {
                FrameHeader header = await direct.ReceiveHeaderAsync();
                await direct.ReceivePayloadAsync(destination.AsMemory(0, header.PayloadLength));
            }
        });
    }

    /// <summary>One frame; in steady state the kernel's buffers are full, so this waits for the receiver.</summary>
    [Benchmark]
    [TouchedBytes(1)]
    public ValueTask Stream() => Near.SendAsync(Header(_sequence++, _payload.Length), _payload);
}
