using System.Net;
using System.Net.Sockets;
using Collectives.Transport;
using Collectives.Transport.Tcp;
using Collectives.Wire;

namespace Collectives.Tests.Transport.Tcp;

/// <summary>A tcp link's frames, striping, direct receive, peeking and failures, beyond the shared conformance suite.</summary>
public sealed class TcpLinkTests
{
    private static readonly TimeSpan Guard = TcpTestJob.Guard;

    private static FrameHeader Header(long sequence, int length) => TcpConnectionTests.Header(99, sequence, length);

    [Fact]
    public async Task StripedFramesOfSizesAroundTheThresholdArriveIntact()
    {
        const int threshold = 10_000;
        await using TcpTestJob job = await TcpTestJob.StartAsync(2, new TcpTransportOptions { SocketsPerPeer = 3, StripeThreshold = threshold });
        (IPeerLink a, IPeerLink b) = await job.ConnectAsync(0, 1);
        var random = new Random(7);
        int[] sizes = [threshold - 1, threshold, threshold + 1, 3 * 4096, 3 * 4096 + 1, 2 * 4096 + 1, 1 << 20, TransportLimits.MaxFramePayload,
            .. Enumerable.Range(0, 60).Select(_ => random.Next(threshold - 3000, threshold + 40_000))];
        byte[][] payloads = sizes.Select(size =>
        {
            byte[] p = new byte[size];
            random.NextBytes(p);
            return p;
        }).ToArray();
        Task sender = Task.Run(async () =>
        {
            for (int i = 0; i < payloads.Length; i++)
            {
                await a.SendAsync(Header(i, payloads[i].Length), payloads[i]);
            }
        });
        var direct = (IDirectReceive)b;
        for (int i = 0; i < payloads.Length; i++)
        {
            if (i % 2 == 0)
            {
                FrameHeader header = await direct.ReceiveHeaderAsync().AsTask().WaitAsync(Guard);
                Assert.Equal(i, header.Sequence);
                byte[] destination = new byte[header.PayloadLength];
                await direct.ReceivePayloadAsync(destination).AsTask().WaitAsync(Guard);
                Assert.True(destination.AsSpan().SequenceEqual(payloads[i]), $"frame {i} of {sizes[i]} bytes differs");
            }
            else
            {
                using InboundFrame frame = await b.ReceiveAsync().AsTask().WaitAsync(Guard);
                Assert.Equal(i, frame.Header.Sequence);
                Assert.True(frame.Payload.Span.SequenceEqual(payloads[i]), $"frame {i} of {sizes[i]} bytes differs");
            }
        }
        await sender.WaitAsync(Guard);
    }

    [Fact]
    public async Task DirectReceiveLandsInPlaceAfterTheHeaderIsChecked()
    {
        await using TcpTestJob job = await TcpTestJob.StartAsync();
        (IPeerLink a, IPeerLink b) = await job.ConnectAsync(0, 1);
        byte[] payload = Enumerable.Range(0, 100_000).Select(i => (byte)(i * 3)).ToArray();
        Task send = a.SendAsync(Header(4, payload.Length), payload).AsTask();
        var direct = (IDirectReceive)b;
        FrameHeader header = await direct.ReceiveHeaderAsync().AsTask().WaitAsync(Guard);
        Assert.Equal(payload.Length, header.PayloadLength);
        // The payload is still unread: a second header or a wrongly sized destination is a caller error.
        await Assert.ThrowsAsync<InvalidOperationException>(() => direct.ReceiveHeaderAsync().AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => direct.ReceivePayloadAsync(new byte[10]).AsTask());
        byte[] destination = new byte[payload.Length + 20];
        await direct.ReceivePayloadAsync(destination.AsMemory(10, payload.Length)).AsTask().WaitAsync(Guard);
        Assert.True(destination.AsSpan(10, payload.Length).SequenceEqual(payload));
        Assert.All(destination[..10], x => Assert.Equal(0, x));
        Assert.All(destination[^10..], x => Assert.Equal(0, x));
        await send.WaitAsync(Guard);
        await Assert.ThrowsAsync<InvalidOperationException>(() => direct.ReceivePayloadAsync(destination).AsTask());
    }

    [Fact]
    public async Task AbortReachesThePeerWithAnEqualReason()
    {
        await using TcpTestJob job = await TcpTestJob.StartAsync();
        (IPeerLink a, IPeerLink b) = await job.ConnectAsync(0, 1);
        Task<InboundFrame> pending = b.ReceiveAsync().AsTask();
        var reason = new AbortReason(AbortCode.Mismatch, 4, "rank 4 saw a different call");
        a.Abort(reason);
        LinkAbortedException remote = await Assert.ThrowsAsync<LinkAbortedException>(() => pending.WaitAsync(Guard));
        Assert.Equal(reason, remote.Reason);
        Assert.True(remote.RaisedByPeer);
        b.Abort(new AbortReason(AbortCode.Closed, 5, "later"));
        LinkAbortedException later = await Assert.ThrowsAsync<LinkAbortedException>(
            () => b.SendAsync(Header(0, 0), ReadOnlyMemory<byte>.Empty).AsTask());
        Assert.Equal(reason, later.Reason);
    }

    [Fact]
    public async Task APeerWhoseConnectionsDropWithoutAWordFailsThePendingReceiveAsClosed()
    {
        await using TcpTestJob job = await TcpTestJob.StartAsync();
        (IPeerLink a, IPeerLink b) = await job.ConnectAsync(0, 1);
        Task<InboundFrame> pending = b.ReceiveAsync().AsTask();
        ((TcpPeerLink)a).DropConnections(); // what the kernel does when the peer's process dies
        LinkAbortedException error = await Assert.ThrowsAsync<LinkAbortedException>(() => pending.WaitAsync(Guard));
        Assert.Equal(AbortCode.Closed, error.Reason.Code);
        Assert.True(error.RaisedByPeer);
        Assert.Contains("the connection to endpoint 0 closed unexpectedly", error.Reason.Message);
    }

    [Fact]
    public async Task ASenderBlockedOnAPeerThatDropsFailsAsClosed()
    {
        await using TcpTestJob job = await TcpTestJob.StartAsync();
        (IPeerLink a, IPeerLink b) = await job.ConnectAsync(0, 1);
        byte[] big = new byte[64 << 20];
        Task send = a.SendAsync(Header(0, big.Length), big).AsTask();
        await Task.Delay(50);
        ((TcpPeerLink)b).DropConnections();
        LinkAbortedException error = await Assert.ThrowsAsync<LinkAbortedException>(() => send.WaitAsync(Guard));
        Assert.Equal(AbortCode.Closed, error.Reason.Code);
        Assert.True(error.RaisedByPeer);
    }

    [Fact]
    public async Task PeekSeesOnlyWholeDataHeadersAndNeverConsumes()
    {
        await using TcpTestJob job = await TcpTestJob.StartAsync();
        (IPeerLink a, IPeerLink b) = await job.ConnectAsync(0, 1);
        Assert.False(b.TryPeekHeader(out _));
        await a.SendAsync(Header(1, 5), new byte[5]);
        await a.SendAsync(Header(2, 0), ReadOnlyMemory<byte>.Empty);
        FrameHeader peeked = default;
        for (int i = 0; i < 3000 && !b.TryPeekHeader(out peeked); i++)
        {
            await Task.Delay(1);
        }
        Assert.Equal(1, peeked.Sequence);
        Assert.True(b.TryPeekHeader(out peeked));
        Assert.Equal(1, peeked.Sequence);
        var direct = (IDirectReceive)b;
        await direct.ReceiveHeaderAsync();
        Assert.False(b.TryPeekHeader(out _)); // payload pending: the bytes on the socket are not a header
        await direct.ReceivePayloadAsync(new byte[5]);
        for (int i = 0; i < 3000 && !b.TryPeekHeader(out peeked); i++)
        {
            await Task.Delay(1);
        }
        Assert.Equal(2, peeked.Sequence);
        using InboundFrame frame = await b.ReceiveAsync().AsTask().WaitAsync(Guard);
        Assert.Equal(2, frame.Header.Sequence);
    }

    [Fact]
    public async Task AMalformedHeaderAbortsTheLinkAsAProtocolErrorAndTellsThePeer()
    {
        using RawPeer raw = await RawPeer.CreateAsync();
        byte[] junk = new byte[FrameHeader.Size];
        new Random(2).NextBytes(junk);
        await raw.Data.SendAsync(junk);
        LinkAbortedException error = await Assert.ThrowsAsync<LinkAbortedException>(() => raw.Link.ReceiveAsync().AsTask().WaitAsync(Guard));
        Assert.Equal(AbortCode.Protocol, error.Reason.Code);
        Assert.False(error.RaisedByPeer);
        Assert.Contains("malformed frame header", error.Reason.Message);
        AbortReason told = await raw.ReadAbortFrameAsync();
        Assert.Equal(error.Reason, told);
    }

    [Fact]
    public async Task AFrameOverTheTransportLimitAbortsTheLinkBeforeItsPayloadIsRead()
    {
        using RawPeer raw = await RawPeer.CreateAsync();
        byte[] header = new byte[FrameHeader.Size];
        Header(0, TransportLimits.MaxFramePayload + 1).Write(header);
        await raw.Data.SendAsync(header);
        LinkAbortedException error = await Assert.ThrowsAsync<LinkAbortedException>(() => raw.Link.ReceiveAsync().AsTask().WaitAsync(Guard));
        Assert.Equal(AbortCode.Protocol, error.Reason.Code);
        Assert.Contains("over the", error.Reason.Message);
    }

    [Fact]
    public async Task AnAbortFrameOnTheDataConnectionIsNeverSurfaced()
    {
        using RawPeer raw = await RawPeer.CreateAsync();
        var reason = new AbortReason(AbortCode.Timeout, 3, "rank 3 waited too long");
        byte[] payload = AbortFrame.Encode(reason);
        byte[] frame = new byte[FrameHeader.Size + payload.Length];
        new FrameHeader(FrameKind.Abort, 99, 0, 1, 0, Header(0, 0).Fingerprint, 0, payload.Length).Write(frame);
        payload.CopyTo(frame, FrameHeader.Size);
        await raw.Data.SendAsync(frame);
        LinkAbortedException error = await Assert.ThrowsAsync<LinkAbortedException>(() => raw.Link.ReceiveAsync().AsTask().WaitAsync(Guard));
        Assert.Equal(reason, error.Reason);
        Assert.True(error.RaisedByPeer);
    }

    [Fact]
    public async Task ACancelledSendAbortsTheLink()
    {
        await using TcpTestJob job = await TcpTestJob.StartAsync();
        (IPeerLink a, IPeerLink b) = await job.ConnectAsync(0, 1);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        byte[] big = new byte[TransportLimits.MaxFramePayload];
        // Nobody receives yet, so the kernel's buffers fill and a send is still waiting when the token fires.
        LinkAbortedException local = await Assert.ThrowsAsync<LinkAbortedException>(async () =>
        {
            for (int i = 0; ; i++)
            {
                await a.SendAsync(Header(i, big.Length), big, cancel.Token).AsTask().WaitAsync(Guard);
            }
        });
        Assert.Equal(AbortCode.Cancelled, local.Reason.Code);
        // The whole frames sent before still arrive; then the peer learns why the link went down.
        LinkAbortedException remote = await Assert.ThrowsAsync<LinkAbortedException>(async () =>
        {
            while (true)
            {
                using InboundFrame frame = await b.ReceiveAsync().AsTask().WaitAsync(Guard);
            }
        });
        Assert.Equal(AbortCode.Cancelled, remote.Reason.Code);
        Assert.True(remote.RaisedByPeer);
    }

    /// <summary>One TcpPeerLink whose peer is raw sockets, to put bytes on the wire no honest peer would.</summary>
    private sealed class RawPeer : IDisposable
    {
        private readonly SocketPoller _poller;

        private RawPeer(TcpPeerLink link, SocketPoller poller, Socket control, Socket data)
        {
            _poller = poller;
            Link = link;
            Control = control;
            Data = data;
        }

        public TcpPeerLink Link { get; }

        public Socket Control { get; }

        public Socket Data { get; }

        public static async Task<RawPeer> CreateAsync()
        {
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(4);
            var pairs = new (Socket Near, Socket Far)[2];
            for (int i = 0; i < 2; i++)
            {
                var far = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                Task connect = far.ConnectAsync(listener.LocalEndPoint!);
                Socket near = await listener.AcceptAsync();
                await connect;
                pairs[i] = (near, far);
            }
            var poller = new SocketPoller("test poller");
            var link = new TcpPeerLink(new LinkKey(99, 1, 0), pairs[0].Near, [pairs[1].Near], new StripeLayout(1, 0),
                TcpTransportOptions.DefaultReceiveSpin, poller, connection: Guid.NewGuid().ToString(), closed: null);
            return new RawPeer(link, poller, pairs[0].Far, pairs[1].Far);
        }

        public async Task<AbortReason> ReadAbortFrameAsync()
        {
            byte[] header = new byte[FrameHeader.Size];
            await ReadExactlyAsync(header);
            Assert.True(FrameHeader.TryRead(header, out FrameHeader parsed, out _));
            Assert.Equal(FrameKind.Abort, parsed.Kind);
            byte[] payload = new byte[parsed.PayloadLength];
            await ReadExactlyAsync(payload);
            return AbortFrame.Decode(payload);
        }

        private async Task ReadExactlyAsync(byte[] buffer)
        {
            for (int done = 0; done < buffer.Length;)
            {
                int n = await Control.ReceiveAsync(buffer.AsMemory(done)).AsTask().WaitAsync(Guard);
                Assert.True(n > 0, "the control connection closed before the abort frame arrived");
                done += n;
            }
        }

        public void Dispose()
        {
            Link.DropConnections();
            Control.Dispose();
            Data.Dispose();
            _poller.Dispose();
        }
    }
}
