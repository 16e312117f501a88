using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.ExceptionServices;
using Collectives.Security;

namespace Collectives.Transport.Tcp;

/// <summary>
/// Links between processes over TCP (DESIGN.md, transports): an ephemeral listening port on the
/// bind address only, several connections per link for large frames, TCP_NODELAY, keepalive and
/// a user timeout, payloads received straight into the caller's memory.
/// <para>
/// Who dials: the lower endpoint of a pair dials, the higher accepts, so exactly one connection
/// set exists per link whichever end calls <see cref="ConnectAsync"/> first. Every connection
/// opens with the mutual HMAC handshake (purpose Link, the link's communicator, epoch 0,
/// channel = socket index: 0 control, 1..n data). Authenticated connections whose local
/// <see cref="ConnectAsync"/> has not come yet are parked until it does, or until the connect
/// timeout; strangers and failed handshakes are dropped while the listener keeps serving.
/// </para>
/// </summary>
public sealed class TcpTransport : ITransport
{
    /// <summary>The name in options, COLLECTIVES_TRANSPORTS and messages.</summary>
    public const string TransportName = "tcp";

    /// <summary>First pause between dial attempts a refused connection triggers; doubles up to <see cref="MaxRedialDelay"/>.</summary>
    private static readonly TimeSpan FirstRedialDelay = TimeSpan.FromMilliseconds(10);

    /// <summary>Longest pause between dial attempts: a peer that is starting up is found within this of listening.</summary>
    private static readonly TimeSpan MaxRedialDelay = TimeSpan.FromMilliseconds(250);

    /// <summary>Pause after the accept loop hits a resource limit (out of descriptors), so it does not spin.</summary>
    private static readonly TimeSpan AcceptRetryDelay = TimeSpan.FromMilliseconds(50);

    private readonly object _gate = new();
    private readonly InboundConnections _inbound = new();
    private readonly HashSet<TcpPeerLink> _links = [];
    private readonly CancellationTokenSource _shutdown = new();
    private SocketPoller? _poller;
    private TransportEndpoint? _endpoint;
    private TcpAddress? _self;
    private Socket? _listener;
    private Task? _acceptLoop;
    private bool _disposed;

    public TcpTransport(TcpTransportOptions? options = null)
    {
        Options = options ?? TcpTransportOptions.Default;
        Options.Validate();
    }

    public string Name => TransportName;

    public TcpTransportOptions Options { get; }

    /// <summary>Where this endpoint listens, once started.</summary>
    public IPEndPoint? LocalEndPoint => _self?.EndPoint;

    public ValueTask<byte[]> StartAsync(TransportEndpoint endpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        cancellationToken.ThrowIfCancellationRequested();
        if (endpoint.Endpoint < 0 || endpoint.Endpoint >= endpoint.EndpointCount)
        {
            throw new ArgumentException(
                $"Endpoint {endpoint.Endpoint} is outside the job's {endpoint.EndpointCount} endpoints.", nameof(endpoint));
        }
        if (endpoint.ConnectTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("The connect timeout must be positive: every wait needs a deadline.", nameof(endpoint));
        }
        Socket listener;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_endpoint is not null)
            {
                throw new InvalidOperationException("The tcp transport was started already.");
            }
            listener = TcpSocketSetup.Listen(Options);
            _listener = listener;
            _poller = new SocketPoller($"tcp poller, endpoint {endpoint.Endpoint}");
            _endpoint = endpoint;
            _self = new TcpAddress(endpoint.HostId, Options.BindAddress, ((IPEndPoint)listener.LocalEndPoint!).Port,
                Options.SocketsPerPeer, Options.StripeThreshold);
        }
        _acceptLoop = Task.Run(() => AcceptLoopAsync(listener));
        return ValueTask.FromResult(_self.Encode());
    }

    public bool CanConnect(ReadOnlySpan<byte> peerAddress) =>
        _self is { } self && TcpAddress.TryDecode(peerAddress, out TcpAddress? peer) && self.CanReach(peer!);

    public async ValueTask<IPeerLink> ConnectAsync(LinkKey key, ReadOnlyMemory<byte> peerAddress, CancellationToken cancellationToken)
    {
        TransportEndpoint endpoint = _endpoint ?? throw new InvalidOperationException("Start the tcp transport before connecting links.");
        TcpAddress self = _self!;
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (key.LocalEndpoint != endpoint.Endpoint)
        {
            throw new ArgumentException(
                $"This tcp transport is endpoint {endpoint.Endpoint}; it cannot make endpoint {key.LocalEndpoint}'s end of a link.", nameof(key));
        }
        if (key.PeerEndpoint == key.LocalEndpoint || key.PeerEndpoint < 0 || key.PeerEndpoint >= endpoint.EndpointCount)
        {
            throw new ArgumentException(
                $"Endpoint {key.LocalEndpoint} cannot link to endpoint {key.PeerEndpoint} (the job has {endpoint.EndpointCount}).", nameof(key));
        }
        if (!TcpAddress.TryDecode(peerAddress.Span, out TcpAddress? peer))
        {
            throw new ArgumentException($"Endpoint {key.PeerEndpoint}'s tcp address is malformed.", nameof(peerAddress));
        }
        if (!self.CanReach(peer!))
        {
            throw new ArgumentException(
                $"Endpoint {key.LocalEndpoint} ({self.EndPoint}, host {self.HostId}) cannot reach endpoint {key.PeerEndpoint} " +
                $"({peer!.EndPoint}, host {peer.HostId}) over tcp; bind an address both hosts reach.", nameof(peerAddress));
        }
        StripeLayout layout = self.LayoutWith(peer!);
        bool dialing = key.LocalEndpoint < key.PeerEndpoint;
        Socket[] sockets = dialing
            ? await DialAsync(key, peer!, layout, endpoint, cancellationToken).ConfigureAwait(false)
            : await AwaitInboundAsync(key, layout, endpoint, cancellationToken).ConfigureAwait(false);
        // The control connection's two addresses, dialer first, written alike at both ends.
        string connection = dialing
            ? $"{sockets[0].LocalEndPoint}|{peer!.EndPoint}"
            : $"{sockets[0].RemoteEndPoint}|{sockets[0].LocalEndPoint}";
        var link = new TcpPeerLink(key, sockets[0], sockets[1..], layout, Options.ReceiveSpin, _poller!, connection, Forget);
        lock (_gate)
        {
            if (!_disposed)
            {
                _links.Add(link);
                return link;
            }
        }
        link.DropConnections();
        throw new ObjectDisposedException(nameof(TcpTransport), "The tcp transport was disposed while the link was being connected.");
    }

    public async ValueTask DisposeAsync()
    {
        List<TcpPeerLink> links;
        List<InboundConnections.Entry> pending;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            links = [.. _links];
            _links.Clear();
            pending = _inbound.RemoveAll();
        }
        _shutdown.Cancel();
        _listener?.Dispose();
        if (_acceptLoop is { } loop)
        {
            await loop.ConfigureAwait(false);
        }
        foreach (InboundConnections.Entry entry in pending)
        {
            entry.CloseSockets();
            entry.Claimant?.TrySetException(new ObjectDisposedException(nameof(TcpTransport), "The tcp transport was disposed."));
        }
        int self = _endpoint?.Endpoint ?? -1;
        foreach (TcpPeerLink link in links)
        {
            link.Abort(new AbortReason(AbortCode.Closed, -1, string.Create(CultureInfo.InvariantCulture,
                $"endpoint {self} closed its tcp transport")));
        }
        _poller?.Dispose();
    }

    private void Forget(TcpPeerLink link)
    {
        lock (_gate)
        {
            _links.Remove(link);
        }
    }

    private async Task AcceptLoopAsync(Socket listener)
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(_shutdown.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                if (_shutdown.IsCancellationRequested)
                {
                    return;
                }
                try
                {
                    await Task.Delay(AcceptRetryDelay, _shutdown.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                continue;
            }
            _ = AcceptOneAsync(socket);
        }
    }

    /// <summary>Runs the acceptor's handshake on one connection; anything that fails it is closed, and the listener carries on.</summary>
    private async Task AcceptOneAsync(Socket socket)
    {
        TransportEndpoint endpoint = _endpoint!;
        bool kept = false;
        try
        {
            TcpSocketSetup.Configure(socket, Options);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_shutdown.Token);
            deadline.CancelAfter(endpoint.ConnectTimeout);
            HandshakeHello hello = await MutualAuthentication.AcceptAsync(new PolledSocketStream(socket, _poller!), endpoint.Credentials,
                Admits, deadline.Token).ConfigureAwait(false);
            kept = Deliver(hello, socket);
        }
        catch (Exception e) when (e is AuthenticationException or IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // A stranger, another job, a wrong secret or a dialer that gave up: not ours to keep.
        }
        finally
        {
            if (!kept)
            {
                socket.Dispose();
            }
        }
    }

    /// <summary>Admits only hellos that a pending or future <see cref="ConnectAsync"/> of this endpoint can match.</summary>
    private bool Admits(HandshakeHello hello)
    {
        TransportEndpoint endpoint = _endpoint!;
        if (hello.Purpose != HandshakePurpose.Link || hello.Epoch != 0 || hello.AcceptorEndpoint != endpoint.Endpoint ||
            hello.DialerEndpoint < 0 || hello.DialerEndpoint >= endpoint.Endpoint || hello.Channel > TcpTransportOptions.MaxSocketsPerPeer)
        {
            return false;
        }
        lock (_gate)
        {
            return !_disposed && _inbound.Admits(hello.CommunicatorId, hello.DialerEndpoint, hello.Channel);
        }
    }

    private bool Deliver(HandshakeHello hello, Socket socket)
    {
        InboundConnections.Entry? completed;
        lock (_gate)
        {
            if (_disposed || !_inbound.TryAdd(hello.CommunicatorId, hello.DialerEndpoint, hello.Channel, socket,
                _endpoint!.ConnectTimeout, Expire, out completed))
            {
                return false;
            }
        }
        completed?.Claimant!.TrySetResult();
        return true;
    }

    /// <summary>Connections parked for a link nobody claimed within the connect timeout are closed.</summary>
    private void Expire(InboundConnections.Entry entry)
    {
        lock (_gate)
        {
            if (entry.Claimant is not null || !_inbound.Remove(entry))
            {
                return;
            }
        }
        entry.CloseSockets();
    }

    /// <summary>The accepting end: waits for the dialer's control and data connections.</summary>
    private async ValueTask<Socket[]> AwaitInboundAsync(LinkKey key, StripeLayout layout, TransportEndpoint endpoint,
        CancellationToken cancellationToken)
    {
        int expected = layout.Sockets + 1;
        InboundConnections.Entry entry;
        bool complete;
        List<Socket> surplus;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            entry = _inbound.Claim(key.CommunicatorId, key.PeerEndpoint, expected, out complete, out surplus);
        }
        surplus.ForEach(socket => socket.Dispose());
        if (!complete)
        {
            try
            {
                await entry.Claimant!.Task.WaitAsync(endpoint.ConnectTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                int arrived;
                lock (_gate)
                {
                    _inbound.Remove(entry);
                    arrived = entry.Count;
                }
                entry.CloseSockets();
                if (e is TimeoutException)
                {
                    throw new TimeoutException(string.Create(CultureInfo.InvariantCulture,
                        $"Endpoint {key.PeerEndpoint} did not connect to endpoint {key.LocalEndpoint} over tcp " +
                        $"(communicator {key.CommunicatorId:x16}) within {endpoint.ConnectTimeout.TotalSeconds:0.###} s: " +
                        $"{arrived} of {expected} connections arrived. Check that endpoint {key.PeerEndpoint} is running with the same " +
                        $"job id and secret and can reach {_self!.EndPoint}."), e);
                }
                throw;
            }
        }
        return entry.Sockets[..expected].Select(socket => socket!).ToArray();
    }

    /// <summary>The dialing end: opens and authenticates every connection of the link at once.</summary>
    private async ValueTask<Socket[]> DialAsync(LinkKey key, TcpAddress peer, StripeLayout layout, TransportEndpoint endpoint,
        CancellationToken cancellationToken)
    {
        var sockets = new Socket?[layout.Sockets + 1];
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _shutdown.Token);
        deadline.CancelAfter(endpoint.ConnectTimeout);
        var dials = new Task[sockets.Length];
        for (int channel = 0; channel < sockets.Length; channel++)
        {
            dials[channel] = DialChannelAsync(key, peer, endpoint, channel, sockets, deadline);
        }
        try
        {
            await Task.WhenAll(dials).ConfigureAwait(false);
            return sockets.Select(socket => socket!).ToArray();
        }
        catch (Exception e)
        {
            foreach (Socket? socket in sockets)
            {
                socket?.Dispose();
            }
            cancellationToken.ThrowIfCancellationRequested();
            ObjectDisposedException.ThrowIf(_shutdown.IsCancellationRequested, this);
            // The most telling failure: a refused handshake or a broken connection rather than the
            // cancellations it caused in the sibling channels; none at all means the deadline passed.
            Exception? cause = dials.Select(d => d.Exception?.InnerException)
                .FirstOrDefault(x => x is not null and not OperationCanceledException);
            if (cause is AuthenticationException)
            {
                ExceptionDispatchInfo.Throw(cause);
            }
            string where = string.Create(CultureInfo.InvariantCulture,
                $"Endpoint {key.LocalEndpoint} could not connect to endpoint {key.PeerEndpoint} at {peer.EndPoint} over tcp " +
                $"(communicator {key.CommunicatorId:x16})");
            if (cause is null)
            {
                throw new TimeoutException(string.Create(CultureInfo.InvariantCulture,
                    $"{where} within {endpoint.ConnectTimeout.TotalSeconds:0.###} s. Check that endpoint {key.PeerEndpoint} is " +
                    $"running and reachable from {Options.BindAddress}."), e);
            }
            throw new IOException($"{where}: {cause.Message}", cause);
        }
    }

    private async Task DialChannelAsync(LinkKey key, TcpAddress peer, TransportEndpoint endpoint, int channel, Socket?[] sockets,
        CancellationTokenSource deadline)
    {
        TimeSpan pause = FirstRedialDelay;
        while (true)
        {
            Socket socket = TcpSocketSetup.CreateDialer(Options);
            SocketError result;
            try
            {
                result = await ConnectAsync(socket, peer.EndPoint, deadline.Token).ConfigureAwait(false);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
            if (result == SocketError.Success)
            {
                sockets[channel] = socket;
                break;
            }
            socket.Dispose();
            if (result is not (SocketError.ConnectionRefused or SocketError.TimedOut or SocketError.HostUnreachable
                or SocketError.NetworkUnreachable or SocketError.TryAgain))
            {
                throw new SocketException((int)result);
            }
            await Task.Delay(pause, deadline.Token).ConfigureAwait(false);
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, MaxRedialDelay.Ticks));
        }
        Socket connected = sockets[channel]!;
        try
        {
            TcpSocketSetup.Configure(connected, Options);
            await MutualAuthentication.DialAsync(new PolledSocketStream(connected, _poller!), endpoint.Credentials, HandshakePurpose.Link,
                key.CommunicatorId, 0, key.LocalEndpoint, key.PeerEndpoint, (ushort)channel, deadline.Token).ConfigureAwait(false);
        }
        catch
        {
            deadline.Cancel(); // the link cannot be made: stop the other channels' dials now
            throw;
        }
    }

    /// <summary>
    /// A non-blocking connect that waits through the poller (see <see cref="SocketPoller"/> for
    /// why not <see cref="Socket.ConnectAsync(EndPoint, CancellationToken)"/>); returns the outcome.
    /// </summary>
    private async ValueTask<SocketError> ConnectAsync(Socket socket, IPEndPoint peer, CancellationToken cancellationToken)
    {
        try
        {
            socket.Connect(peer);
            return SocketError.Success;
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
        {
            // under way
        }
        catch (SocketException e)
        {
            return e.SocketErrorCode;
        }
        await _poller!.WaitAsync(new SocketWait(socket, SelectMode.SelectWrite), cancellationToken).ConfigureAwait(false);
        return (SocketError)(int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Error)!;
    }
}
