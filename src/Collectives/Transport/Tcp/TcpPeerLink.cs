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

    /// <summary>An abort frame describes no call; any valid fingerprint does.</summary>
    private static readonly OperationFingerprint AbortFingerprint =
        new(CollectiveKind.Send, DataType.UInt8, ReduceOp.Sum, Algorithm.Direct, 0, 0);

    private readonly LinkKey _key;
    private readonly Socket _control;
    private readonly Socket[] _data;
    private readonly StripeLayout _layout;
    private readonly long _spinTicks;
    private readonly Action<TcpPeerLink>? _closed;
    private readonly object _gate = new();
    private AbortState? _abort;
    private Task<AbortReason>? _peerReason;

    /// <param name="control">The control connection (channel 0).</param>
    /// <param name="data">The data connections in channel order (channels 1..n).</param>
    public TcpPeerLink(LinkKey key, Socket control, Socket[] data, StripeLayout layout, TimeSpan receiveSpin, Action<TcpPeerLink>? closed)
    {
        Debug.Assert(data.Length == layout.Sockets);
        _key = key;
        _control = control;
        _data = data;
        _layout = layout;
        _spinTicks = (long)(receiveSpin.TotalSeconds * Stopwatch.Frequency);
        _closed = closed;
        _stripeSends = new ValueTask[data.Length];
        _stripeReceives = new ValueTask[data.Length];
        _stripeReceived = new int[data.Length];
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
        TrySendAbortFrame(reason);
        CloseSockets();
    }

    public ValueTask DisposeAsync()
    {
        Abort(new AbortReason(AbortCode.Closed, -1, string.Create(CultureInfo.InvariantCulture,
            $"endpoint {_key.LocalEndpoint} closed its tcp link to endpoint {_key.PeerEndpoint} (communicator {_key.CommunicatorId:x16})")));
        return ValueTask.CompletedTask;
    }

    /// <summary>Closes every socket without a word to the peer, as a process that dies does. For tests.</summary>
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
    /// Whether the peer wrote on the control connection: it only does so to abort, so the next
    /// operation must fail rather than run on a link the peer has given up (one ioctl).
    /// </summary>
    private bool PeerHasAborted()
    {
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
            if (Interlocked.CompareExchange(ref _abort, new AbortState(reason, ByPeer: true), null) is null)
            {
                CloseSockets();
            }
        }
        return Aborted();
    }

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
            int n = await _control.ReceiveAsync(buffer[received..], SocketFlags.None, cancellationToken).ConfigureAwait(false);
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

    private void CloseSockets()
    {
        _control.Dispose();
        foreach (Socket socket in _data)
        {
            socket.Dispose();
        }
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
