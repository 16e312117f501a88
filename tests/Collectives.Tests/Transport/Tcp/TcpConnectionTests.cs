using System.Net.Sockets;
using Collectives.Kernels;
using Collectives.Security;
using Collectives.Transport;
using Collectives.Transport.Tcp;
using Collectives.Wire;

namespace Collectives.Tests.Transport.Tcp;

/// <summary>Connecting links: who dials, parking, the handshake turning strangers away, deadlines, and separate links per communicator.</summary>
public sealed class TcpConnectionTests
{
    private static readonly TimeSpan Guard = TcpTestJob.Guard;

    internal static FrameHeader Header(ulong communicatorId, long sequence, int length, int sender = 0) =>
        new(FrameKind.Data, communicatorId, 0, sender, sequence,
            new OperationFingerprint(CollectiveKind.Send, DataType.UInt8, ReduceOp.Sum, Algorithm.Direct, 0, length), 0, length);

    [Fact]
    public async Task ConnectionsThatArriveFirstAreParkedUntilTheLocalConnect()
    {
        await using TcpTestJob job = await TcpTestJob.StartAsync();
        // The dialer (lower endpoint) finishes on its own: its connections wait at the acceptor.
        IPeerLink dialer = await job.Transports[0].ConnectAsync(new LinkKey(5, 0, 1), job.Addresses[1], CancellationToken.None)
            .AsTask().WaitAsync(Guard);
        Task send = dialer.SendAsync(Header(5, 1, 3), new byte[] { 1, 2, 3 }).AsTask();
        await Task.Delay(100);
        IPeerLink acceptor = await job.Transports[1].ConnectAsync(new LinkKey(5, 1, 0), job.Addresses[0], CancellationToken.None)
            .AsTask().WaitAsync(Guard);
        using InboundFrame frame = await acceptor.ReceiveAsync().AsTask().WaitAsync(Guard);
        Assert.Equal([1, 2, 3], frame.Payload.ToArray());
        await send.WaitAsync(Guard);
    }

    [Fact]
    public async Task ParkedConnectionsNobodyClaimsAreClosedAfterTheConnectTimeout()
    {
        await using TcpTestJob job = await TcpTestJob.StartAsync(2, connectTimeout: TimeSpan.FromMilliseconds(300));
        IPeerLink dialer = await job.Transports[0].ConnectAsync(new LinkKey(5, 0, 1), job.Addresses[1], CancellationToken.None)
            .AsTask().WaitAsync(Guard);
        LinkAbortedException error = await Assert.ThrowsAsync<LinkAbortedException>(() => dialer.ReceiveAsync().AsTask().WaitAsync(Guard));
        Assert.Equal(AbortCode.Closed, error.Reason.Code);
        Assert.True(error.RaisedByPeer);
    }

    [Fact]
    public async Task TheAcceptorMayAskFirst()
    {
        await using TcpTestJob job = await TcpTestJob.StartAsync(3);
        Task<IPeerLink> acceptor = job.Transports[2].ConnectAsync(new LinkKey(5, 2, 1), job.Addresses[1], CancellationToken.None).AsTask();
        await Task.Delay(100);
        Assert.False(acceptor.IsCompleted);
        IPeerLink dialer = await job.Transports[1].ConnectAsync(new LinkKey(5, 1, 2), job.Addresses[2], CancellationToken.None)
            .AsTask().WaitAsync(Guard);
        IPeerLink accepted = await acceptor.WaitAsync(Guard);
        Task send = accepted.SendAsync(Header(5, 0, 1), new byte[] { 9 }).AsTask();
        using InboundFrame frame = await dialer.ReceiveAsync().AsTask().WaitAsync(Guard);
        Assert.Equal(9, frame.Payload.Span[0]);
        await send.WaitAsync(Guard);
    }

    [Fact]
    public async Task LinksOfTwoCommunicatorsBetweenTheSameEndpointsStaySeparate()
    {
        await using TcpTestJob job = await TcpTestJob.StartAsync();
        // Opposite orders at the two ends, all at once.
        Task<IPeerLink> a1 = job.Transports[0].ConnectAsync(new LinkKey(1, 0, 1), job.Addresses[1], CancellationToken.None).AsTask();
        Task<IPeerLink> a2 = job.Transports[0].ConnectAsync(new LinkKey(2, 0, 1), job.Addresses[1], CancellationToken.None).AsTask();
        Task<IPeerLink> b2 = job.Transports[1].ConnectAsync(new LinkKey(2, 1, 0), job.Addresses[0], CancellationToken.None).AsTask();
        Task<IPeerLink> b1 = job.Transports[1].ConnectAsync(new LinkKey(1, 1, 0), job.Addresses[0], CancellationToken.None).AsTask();
        await Task.WhenAll(a1, a2, b1, b2).WaitAsync(Guard);
        for (int round = 0; round < 20; round++)
        {
            Task s1 = (await a1).SendAsync(Header(1, round, 4), BitConverter.GetBytes(1000 + round)).AsTask();
            Task s2 = (await a2).SendAsync(Header(2, round, 4), BitConverter.GetBytes(2000 + round)).AsTask();
            Task s3 = (await b2).SendAsync(Header(2, round, 4, sender: 1), BitConverter.GetBytes(3000 + round)).AsTask();
            using (InboundFrame frame = await (await b1).ReceiveAsync().AsTask().WaitAsync(Guard))
            {
                Assert.Equal(1UL, frame.Header.CommunicatorId);
                Assert.Equal(1000 + round, BitConverter.ToInt32(frame.Payload.Span));
            }
            using (InboundFrame frame = await (await b2).ReceiveAsync().AsTask().WaitAsync(Guard))
            {
                Assert.Equal(2UL, frame.Header.CommunicatorId);
                Assert.Equal(2000 + round, BitConverter.ToInt32(frame.Payload.Span));
            }
            using (InboundFrame frame = await (await a2).ReceiveAsync().AsTask().WaitAsync(Guard))
            {
                Assert.Equal(3000 + round, BitConverter.ToInt32(frame.Payload.Span));
            }
            await Task.WhenAll(s1, s2, s3).WaitAsync(Guard);
        }
        Assert.False((await a1).TryPeekHeader(out _));
        // Aborting one communicator's link leaves the other working.
        (await a1).Abort(new AbortReason(AbortCode.Aborted, 0, "only communicator 1"));
        IPeerLink otherEnd = await b1;
        await Assert.ThrowsAsync<LinkAbortedException>(() => otherEnd.ReceiveAsync().AsTask().WaitAsync(Guard));
        Task last = (await a2).SendAsync(Header(2, 99, 0), ReadOnlyMemory<byte>.Empty).AsTask();
        using (InboundFrame frame = await (await b2).ReceiveAsync().AsTask().WaitAsync(Guard))
        {
            Assert.Equal(99, frame.Header.Sequence);
        }
        await last.WaitAsync(Guard);
    }

    [Fact]
    public async Task GarbageAndAWrongSecretAreRefusedWhileALegitimateLinkConnects()
    {
        await using TcpTestJob job = await TcpTestJob.StartAsync();
        var port = job.Transports[1].LocalEndPoint!;

        // A stranger sends bytes that are no handshake: the acceptor closes the connection.
        using var stranger = new Socket(port.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        await stranger.ConnectAsync(port);
        byte[] garbage = new byte[200];
        new Random(1).NextBytes(garbage);
        await stranger.SendAsync(garbage);
        byte[] reply = new byte[256];
        int total = 0;
        try
        {
            int n;
            while ((n = await stranger.ReceiveAsync(reply.AsMemory(total)).AsTask().WaitAsync(Guard)) > 0)
            {
                total += n;
            }
        }
        catch (SocketException)
        {
            // reset: closed just the same
        }
        Assert.Equal(0, total);

        // An impostor with the job id but another secret, claiming to be endpoint 0 on the same link.
        await using var impostor = new TcpTransport();
        var impostorEndpoint = TcpTestJob.Endpoint(0, 2, TimeSpan.FromSeconds(10), TcpTestJob.Credentials("a-different-secret"));
        await impostor.StartAsync(impostorEndpoint, CancellationToken.None);
        await Assert.ThrowsAsync<AuthenticationException>(() =>
            impostor.ConnectAsync(new LinkKey(99, 0, 1), job.Addresses[1], CancellationToken.None).AsTask().WaitAsync(Guard));

        // The listener still serves, and the real endpoint 0 gets its link.
        (IPeerLink a, IPeerLink b) = await job.ConnectAsync(0, 1);
        Task send = a.SendAsync(Header(99, 7, 2), new byte[] { 4, 2 }).AsTask();
        using InboundFrame frame = await b.ReceiveAsync().AsTask().WaitAsync(Guard);
        Assert.Equal(7, frame.Header.Sequence);
        await send.WaitAsync(Guard);
    }

    [Theory]
    [InlineData(HandshakePurpose.Link, 2, 1, 0)]   // the higher endpoint never dials
    [InlineData(HandshakePurpose.Link, 0, 2, 0)]   // a hello for another acceptor
    [InlineData(HandshakePurpose.Store, 0, 1, 0)]  // not a link at all
    [InlineData(HandshakePurpose.Link, 0, 1, 17)]  // a channel no link has
    public async Task HellosNoConnectCouldMatchAreRefused(HandshakePurpose purpose, int dialer, int acceptor, int channel)
    {
        await using TcpTestJob job = await TcpTestJob.StartAsync(3);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(job.Transports[1].LocalEndPoint!);
        await using var stream = new NetworkStream(socket);
        await Assert.ThrowsAsync<AuthenticationException>(() => MutualAuthentication.DialAsync(stream, TcpTestJob.Credentials(),
            purpose, 99, 0, dialer, acceptor, (ushort)channel, CancellationToken.None).AsTask().WaitAsync(Guard));
    }

    [Fact]
    public async Task AnAcceptorWhosePeerNeverDialsTimesOutNamingIt()
    {
        await using TcpTestJob job = await TcpTestJob.StartAsync(2, connectTimeout: TimeSpan.FromMilliseconds(300));
        TimeoutException error = await Assert.ThrowsAsync<TimeoutException>(() =>
            job.Transports[1].ConnectAsync(new LinkKey(3, 1, 0), job.Addresses[0], CancellationToken.None).AsTask().WaitAsync(Guard));
        Assert.Contains("Endpoint 0 did not connect to endpoint 1", error.Message);
    }

    [Fact]
    public async Task ADialerWhosePeerIsGoneTimesOutNamingIt()
    {
        await using TcpTestJob job = await TcpTestJob.StartAsync(2, connectTimeout: TimeSpan.FromMilliseconds(500));
        await job.Transports[1].DisposeAsync(); // nobody listens at its address any more
        TimeoutException error = await Assert.ThrowsAsync<TimeoutException>(() =>
            job.Transports[0].ConnectAsync(new LinkKey(3, 0, 1), job.Addresses[1], CancellationToken.None).AsTask().WaitAsync(Guard));
        Assert.Contains("could not connect to endpoint 1", error.Message);
    }

    [Fact]
    public async Task AConnectCanBeCancelled()
    {
        await using TcpTestJob job = await TcpTestJob.StartAsync();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            job.Transports[1].ConnectAsync(new LinkKey(3, 1, 0), job.Addresses[0], cancel.Token).AsTask().WaitAsync(Guard));
        // The abandoned claim does not block a later connect of the same link.
        (IPeerLink a, IPeerLink b) = await job.ConnectAsync(0, 1, communicatorId: 3);
        Task send = a.SendAsync(Header(3, 0, 0), ReadOnlyMemory<byte>.Empty).AsTask();
        using InboundFrame frame = await b.ReceiveAsync().AsTask().WaitAsync(Guard);
        await send.WaitAsync(Guard);
    }

    [Fact]
    public async Task CallerMistakesAreArgumentErrors()
    {
        await using TcpTestJob job = await TcpTestJob.StartAsync();
        TcpTransport transport = job.Transports[0];
        await Assert.ThrowsAsync<ArgumentException>(() => transport.ConnectAsync(new LinkKey(1, 1, 0), job.Addresses[1], default).AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => transport.ConnectAsync(new LinkKey(1, 0, 0), job.Addresses[0], default).AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => transport.ConnectAsync(new LinkKey(1, 0, 2), job.Addresses[1], default).AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => transport.ConnectAsync(new LinkKey(1, 0, 1), new byte[] { 1, 2 }, default).AsTask());
        Assert.False(transport.CanConnect(new byte[] { 1, 2, 3 }));
        Assert.True(transport.CanConnect(job.Addresses[1]));
        Assert.Throws<ArgumentException>(() => new TcpTransport(new TcpTransportOptions { BindAddress = System.Net.IPAddress.Any }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TcpTransport(new TcpTransportOptions { SocketsPerPeer = 0 }));
    }

    [Fact]
    public async Task DisposingTheTransportClosesItsLinks()
    {
        TcpTestJob job = await TcpTestJob.StartAsync();
        await using (job)
        {
            (IPeerLink a, IPeerLink b) = await job.ConnectAsync(0, 1);
            Task<InboundFrame> pending = b.ReceiveAsync().AsTask();
            await job.Transports[0].DisposeAsync();
            LinkAbortedException error = await Assert.ThrowsAsync<LinkAbortedException>(() => pending.WaitAsync(Guard));
            Assert.Equal(AbortCode.Closed, error.Reason.Code);
            Assert.True(error.RaisedByPeer);
            Assert.Contains("endpoint 0 closed its tcp transport", error.Reason.Message);
            await Assert.ThrowsAsync<LinkAbortedException>(() => a.SendAsync(Header(99, 0, 0), ReadOnlyMemory<byte>.Empty).AsTask());
        }
    }
}
