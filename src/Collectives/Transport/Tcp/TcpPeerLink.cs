using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Collectives.Kernels;
using Collectives.Wire;

namespace Collectives.Transport.Tcp;

/// <summary>
/// One end of a TCP link: a control connection that only ever carries an abort frame, and one
/// or more data connections that carry frames (header and stripe 0 on the first, stripe i on
/// the i-th; see <see cref="StripeLayout"/>). No background reader: a receive reads the socket
/// itself, polling briefly before it waits asynchronously; a send writes straight from the
/// caller's memory. Split by concern: this file holds the state and the abort rules,
/// <c>.Send.cs</c> and <c>.Receive.cs</c> the two directions.
/// <para>
/// Abort: the aborting end writes an abort frame on the control connection (it is never busy,
/// so the frame goes out at once), then closes every socket. The other end's operations fail on
/// their closed data sockets; the first to fail reads the control connection for the reason
/// (an abort frame, or end of stream when the process died) and aborts its end with it.
/// </para>
/// </summary>
internal sealed partial class TcpPeerLink : IPeerLink, IDirectReceive
{
    /// <summary>
    /// How long an end whose data connection failed waits on the control connection for the
    /// peer's reason. The peer writes it before closing anything, so it is normally there
    /// already; only a vanished host (no abort frame, no end of stream) waits this long.
    /// </summary>
    private static readonly TimeSpan PeerReasonGrace = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How recently a frame must have arrived for a send to skip the control-connection check
    /// (<see cref="PeerHasAborted"/>): long enough to cover a ring step's send after its receive,
    /// short beside any deadline.
    /// </summary>
    private static readonly TimeSpan PeerAliveWindow = TimeSpan.FromMilliseconds(1);

    private static readonly long PeerAliveTicks = (long)(PeerAliveWindow.TotalSeconds * Stopwatch.Frequency);

    /// <summary>An abort frame describes no call; any valid fingerprint does.</summary>
    private static readonly OperationFingerprint AbortFingerprint =
        new(CollectiveKind.Send, DataType.UInt8, ReduceOp.Sum, Algorithm.Direct, 0, 0);

    private readonly LinkKey _key;
    private readonly Socket _control;
    private readonly Socket[] _data;
    private readonly StripeLayout _layout;
    private readonly long _spinTicks;
    private readonly Action<TcpPeerLink>? _closed;
    private readonly SocketPoller _poller;
    private readonly string _connection;
    private readonly LocalPair _localPair;
    private readonly SocketWait _controlReadable;
    private readonly SocketWait[] _readable;
    private readonly SocketWait[] _writable;
    private readonly object _gate = new();
    private AbortState? _abort;
    private Task<AbortReason>? _peerReason;

    /// <summary>When the last frame header arrived (<see cref="Stopwatch"/> ticks); starts long ago.</summary>
    private long _lastFrameTicks = long.MinValue / 2;

    /// <param name="control">The control connection (channel 0).</param>
    /// <param name="data">The data connections in channel order (channels 1..n).</param>
    /// <param name="poller">Where waits go once polling gave up; the sockets never use .NET's async operations.</param>
    /// <param name="connection">The control connection as "dialer address|acceptor address", equal at both ends (see <see cref="LocalPair"/>).</param>
    public TcpPeerLink(LinkKey key, Socket control, Socket[] data, StripeLayout layout, TimeSpan receiveSpin, SocketPoller poller,
        string connection, Action<TcpPeerLink>? closed)
    {
        Debug.Assert(data.Length == layout.Sockets);
        _key = key;
        _control = control;
        _data = data;
        _layout = layout;
        _spinTicks = (long)(receiveSpin.TotalSeconds * Stopwatch.Frequency);
        _waitSpinTicks = _spinTicks;
        _closed = closed;
        _poller = poller;
        _connection = connection;
        _localPair = LocalPair.Join(connection);
        _controlReadable = new SocketWait(control, SelectMode.SelectRead);
        _readable = data.Select(socket => new SocketWait(socket, SelectMode.SelectRead)).ToArray();
        _writable = data.Select(socket => new SocketWait(socket, SelectMode.SelectWrite)).ToArray();
        _stripeSends = new ValueTask[data.Length];
        _stripeReceives = new ValueTask[data.Length];
        _stripeReceived = new int[data.Length];
        _unsent = new ReadOnlyMemory<byte>[data.Length];
        _unsentLocks = new int[data.Length];
        // Synchronous calls return WouldBlock instead of blocking: the poll-then-wait paths rely on it.
        control.Blocking = false;
        foreach (Socket socket in data)
        {
            socket.Blocking = false;
        }
    }

    public void Abort(AbortReason reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        if (Interlocked.CompareExchange(ref _abort, new AbortState(reason, ByPeer: false), null) is not null)
        {
            return;
        }
        _localPair.Offer(reason);
        TrySendAbortFrame(reason);
        CloseSockets();
    }

    public ValueTask DisposeAsync()
    {
        Abort(new AbortReason(AbortCode.Closed, -1, string.Create(CultureInfo.InvariantCulture,
            $"endpoint {_key.LocalEndpoint} closed its tcp link to endpoint {_key.PeerEndpoint} (communicator {_key.CommunicatorId:x16})")));
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Closes every socket without a word to the peer, as a process that dies does: for a link
    /// whose transport was disposed while it was being made, and for tests of a peer's death.
    /// </summary>
    internal void DropConnections()
    {
        if (Interlocked.CompareExchange(ref _abort, new AbortState(new AbortReason(AbortCode.Closed, -1,
            "the tcp link's connections were dropped"), ByPeer: false), null) is null)
        {
            CloseSockets();
        }
    }

    private void AbortForCancellation() => Abort(new AbortReason(AbortCode.Cancelled, -1, string.Create(CultureInfo.InvariantCulture,
        $"an operation on the tcp link from endpoint {_key.LocalEndpoint} to endpoint {_key.PeerEndpoint} was cancelled")));

    /// <summary>A frame broke the wire rules: the stream cannot be trusted past it, so the link goes down.</summary>
    private LinkAbortedException AbortForProtocol(string problem)
    {
        var reason = new AbortReason(AbortCode.Protocol, -1, string.Create(CultureInfo.InvariantCulture,
            $"endpoint {_key.PeerEndpoint} sent endpoint {_key.LocalEndpoint} {problem} on their tcp link; the link was torn down"));
        Abort(reason);
        return Aborted();
    }

    /// <summary>The exception for an operation on an aborted link: the first reason, and which end gave it.</summary>
    private LinkAbortedException Aborted()
    {
        AbortState state = Volatile.Read(ref _abort)!;
        return new LinkAbortedException(state.Reason, state.ByPeer);
    }

    private void ThrowIfAborted()
    {
        if (Volatile.Read(ref _abort) is not null)
        {
            throw Aborted();
        }
    }

    /// <summary>
    /// Whether the peer wrote on the control connection: it only does so to abort, so a send must
    /// fail rather than vanish into a link the peer has given up. One ioctl, skipped while frames
    /// keep arriving: a peer that sent within <see cref="PeerAliveWindow"/> was not aborted before
    /// it, and if it aborted since, the next receive meets its closed connection anyway.
    /// </summary>
    private bool PeerHasAborted()
    {
        if (Stopwatch.GetTimestamp() - Volatile.Read(ref _lastFrameTicks) < PeerAliveTicks)
        {
            return false;
        }
        try
        {
            return _control.Available > 0;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return true;
        }
    }

    /// <summary>
    /// A data connection failed (or the peer aborted): settles why, aborts this end with that
    /// reason unless it is already aborted, and returns the exception the operation throws.
    /// </summary>
    private async ValueTask<LinkAbortedException> FailAsync()
    {
        if (Volatile.Read(ref _abort) is null)
        {
            Task<AbortReason> reading;
            lock (_gate)
            {
                reading = _peerReason ??= ReadPeerReasonAsync();
            }
            AbortReason reason = await reading.ConfigureAwait(false);
            if (Interlocked.CompareExchange(ref _abort, new AbortState(PeerReason(reason), ByPeer: true), null) is null)
            {
                CloseSockets();
            }
        }
        return Aborted();
    }

    /// <summary>The peer's reason as this end reports it: the peer's own object when it lives in this process.</summary>
    private AbortReason PeerReason(AbortReason decoded) =>
        _localPair.Reason is { } shared && shared.Code == decoded.Code && shared.OriginRank == decoded.OriginRank &&
        shared.Message.StartsWith(decoded.Message, StringComparison.Ordinal) ? shared : decoded;

    /// <summary>Reads the peer's abort frame from the control connection; end of stream or silence means it died.</summary>
    private async Task<AbortReason> ReadPeerReasonAsync()
    {
        using var grace = new CancellationTokenSource(PeerReasonGrace);
        try
        {
            byte[] headerBytes = new byte[FrameHeader.Size];
            if (await ReadControlAsync(headerBytes, grace.Token).ConfigureAwait(false))
            {
                if (!FrameHeader.TryRead(headerBytes, out FrameHeader header, out FrameHeaderError error) ||
                    header.Kind != FrameKind.Abort || header.PayloadLength > AbortFrame.MaxLength)
                {
                    return ProtocolReason(header.Kind != FrameKind.Abort && error == FrameHeaderError.None
                        ? "a data frame on the control connection"
                        : $"a malformed abort frame ({error})");
                }
                byte[] payload = new byte[header.PayloadLength];
                if (await ReadControlAsync(payload, grace.Token).ConfigureAwait(false))
                {
                    return AbortFrame.Decode(payload);
                }
            }
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut)
        {
            // TCP_USER_TIMEOUT or keepalive: the peer host stopped acknowledging.
            return new AbortReason(AbortCode.Closed, -1, string.Create(CultureInfo.InvariantCulture,
                $"the connection to endpoint {_key.PeerEndpoint} timed out: its host stopped acknowledging data (host down, network cut, or a link so congested that segments went unacknowledged for {TcpTransportOptions.DefaultUserTimeout.TotalSeconds:0} s)"));
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // Reset, closed here meanwhile, or silent past the grace: the peer is gone without a word.
        }
        return new AbortReason(AbortCode.Closed, -1, string.Create(CultureInfo.InvariantCulture,
            $"the connection to endpoint {_key.PeerEndpoint} closed unexpectedly (its process may have died)"));
    }

    private AbortReason ProtocolReason(string problem) => new(AbortCode.Protocol, -1, string.Create(CultureInfo.InvariantCulture,
        $"endpoint {_key.PeerEndpoint} sent endpoint {_key.LocalEndpoint} {problem} on their tcp link"));

    /// <summary>Fills <paramref name="buffer"/> from the control connection; false at end of stream.</summary>
    private async ValueTask<bool> ReadControlAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        int received = 0;
        while (received < buffer.Length)
        {
            int n = _control.Receive(buffer.Span[received..], SocketFlags.None, out SocketError error);
            if (error == SocketError.WouldBlock)
            {
                await _poller.WaitAsync(_controlReadable, cancellationToken).ConfigureAwait(false);
                continue;
            }
            if (error != SocketError.Success)
            {
                throw new SocketException((int)error); // the caller tells a timeout from a reset
            }
            if (n == 0)
            {
                return false;
            }
            received += n;
        }
        return true;
    }

    /// <summary>Best effort, never blocking: the control connection carries nothing else, so its send buffer has room.</summary>
    private void TrySendAbortFrame(AbortReason reason)
    {
        try
        {
            byte[] payload = AbortFrame.Encode(reason);
            byte[] frame = new byte[FrameHeader.Size + payload.Length];
            new FrameHeader(FrameKind.Abort, _key.CommunicatorId, 0, _key.LocalEndpoint, 0, AbortFingerprint, 0, payload.Length).Write(frame);
            payload.CopyTo(frame, FrameHeader.Size);
            _control.Send(frame, SocketFlags.None, out _);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // The connection is gone already; the peer learns from its end of stream instead.
        }
    }

    /// <summary>Shutdown first: it wakes a poll on the socket (the poller's or a receive's), where a bare close would not.</summary>
    private void CloseSockets()
    {
        foreach (Socket socket in _data.Prepend(_control))
        {
            try
            {
                socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // not connected any more: nothing to wake
            }
            socket.Dispose();
        }
        LocalPair.Leave(_connection, _localPair);
        _closed?.Invoke(this);
    }

    /// <summary>What fails a socket operation when the link breaks underneath it.</summary>
    private static bool IsConnectionFailure(Exception e) =>
        e is SocketException or ObjectDisposedException or EndOfStreamException or IOException or OperationCanceledException;

    private CancellationTokenRegistration AbortOnCancellation(CancellationToken cancellationToken)
    {
        if (!cancellationToken.CanBeCanceled)
        {
            return default;
        }
        if (cancellationToken.IsCancellationRequested)
        {
            AbortForCancellation();
            throw Aborted();
        }
        return cancellationToken.UnsafeRegister(static state => ((TcpPeerLink)state!).AbortForCancellation(), this);
    }

    private sealed record AbortState(AbortReason Reason, bool ByPeer);
}
