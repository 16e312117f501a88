using Collectives.Kernels;
using Collectives.Security;
using Collectives.Transport;
using Collectives.Transport.SharedMemory;
using Collectives.Wire;

namespace Collectives.Benchmarks.SharedMemory;

/// <summary>
/// Two shared-memory endpoints in this process (two transports, one link), driven synchronously
/// from dedicated threads: a wait that cannot finish at once blocks only the thread that asked.
/// </summary>
internal sealed class ShmLinkPair : IDisposable
{
    private readonly SharedMemoryTransport[] _transports;

    private ShmLinkPair(SharedMemoryTransport[] transports, IPeerLink a, IPeerLink b)
    {
        _transports = transports;
        A = a;
        B = b;
    }

    public IPeerLink A { get; }

    public IPeerLink B { get; }

    public static ShmLinkPair Create(SharedMemoryTransportOptions? options = null)
    {
        JobCredentials job = JobCredentials.Create("shm-bench-" + Guid.NewGuid().ToString("N"), null);
        var transports = new SharedMemoryTransport[2];
        var addresses = new byte[2][];
        for (int i = 0; i < 2; i++)
        {
            transports[i] = new SharedMemoryTransport(options);
            addresses[i] = transports[i].StartAsync(new TransportEndpoint(job, i, 2, "bench", TimeSpan.FromSeconds(30)), CancellationToken.None)
                .AsTask().GetAwaiter().GetResult();
        }
        Task<IPeerLink> a = transports[0].ConnectAsync(new LinkKey(1, 0, 1), addresses[1], CancellationToken.None).AsTask();
        Task<IPeerLink> b = transports[1].ConnectAsync(new LinkKey(1, 1, 0), addresses[0], CancellationToken.None).AsTask();
        return new ShmLinkPair(transports, a.GetAwaiter().GetResult(), b.GetAwaiter().GetResult());
    }

    public static FrameHeader Header(long sequence, int length) =>
        new(FrameKind.Data, 1, 0, 0, sequence,
            new OperationFingerprint(CollectiveKind.Send, DataType.UInt8, ReduceOp.Sum, Algorithm.Direct, 0, length), 0, length);

    /// <summary>Sends and blocks this thread until the send finished (usually it already has).</summary>
    public static void Send(IPeerLink link, in FrameHeader header, ReadOnlyMemory<byte> payload)
    {
        ValueTask send = link.SendAsync(header, payload);
        if (send.IsCompletedSuccessfully)
        {
            send.GetAwaiter().GetResult();
        }
        else
        {
            send.AsTask().GetAwaiter().GetResult();
        }
    }

    public static InboundFrame Receive(IPeerLink link)
    {
        ValueTask<InboundFrame> receive = link.ReceiveAsync();
        return receive.IsCompletedSuccessfully ? receive.Result : receive.AsTask().GetAwaiter().GetResult();
    }

    /// <summary>Runs <paramref name="body"/> on a dedicated thread until the link is torn down.</summary>
    public static Thread StartPeer(string name, Action body)
    {
        var thread = new Thread(() =>
        {
            try
            {
                body();
            }
            catch (LinkAbortedException)
            {
                // The benchmark is over.
            }
        })
        {
            IsBackground = true,
            Name = name,
        };
        thread.Start();
        return thread;
    }

    public void Dispose()
    {
        foreach (SharedMemoryTransport transport in _transports)
        {
            transport.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
