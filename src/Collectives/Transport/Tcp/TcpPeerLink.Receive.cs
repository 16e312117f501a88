using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Collectives.Wire;

namespace Collectives.Transport.Tcp;

internal sealed partial class TcpPeerLink
{
    /// <summary>
    /// Read-ahead on the first data connection: one system call brings a small frame's header
    /// and payload (and often the next frames). Large payloads bypass it after what came along
    /// with their header, so at most this much of a large frame is copied twice.
    /// </summary>
    private const int InboxSize = 16 << 10;

    /// <summary>Bytes still wanted after the read-ahead below which they are read through it, not straight into place.</summary>
    private const int DirectReadMinimum = InboxSize / 2;

    /// <summary>The poll budget for the next frame adapts in steps of 1/16 of the configured one.</summary>
    private const int SpinSteps = 16;

    /// <summary>Waits longer than this many poll budgets halve the budget for the next frame.</summary>
    private const int LongWaitFactor = 8;

    private readonly byte[] _inbox = GC.AllocateUninitializedArray<byte>(InboxSize, pinned: true);
    private int _inboxStart;
    private int _inboxEnd;

    /// <summary>Receives of the stripes still missing after polling; reused by every striped frame.</summary>
    private readonly ValueTask[] _stripeReceives;

    /// <summary>Bytes of each stripe received so far; reused by every striped frame.</summary>
    private readonly int[] _stripeReceived;

    /// <summary>
    /// Poll budget while waiting for the next frame: the configured one while frames come
    /// quickly, less while waits are long (only the receiver touches it).
    /// </summary>
    private long _waitSpinTicks;

    /// <summary>Payload length of the frame whose header was received and whose payload was not yet read, or -1.</summary>
    private int _pendingPayload = -1;

    /// <summary>1 while a receive reads the data sockets, so a peek cannot mistake payload bytes for a header.</summary>
    private int _receiving;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<InboundFrame> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        FrameHeader header = await ReceiveHeaderAsync(cancellationToken).ConfigureAwait(false);
        int length = header.PayloadLength;
        if (length == 0)
        {
            _pendingPayload = -1;
            return new InboundFrame(header, ReadOnlyMemory<byte>.Empty, null, 0);
        }
        byte[] array = TcpLease.RentArray(length);
        try
        {
            await ReceivePayloadAsync(array.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            TcpLease.ReturnArray(array);
            throw;
        }
        TcpLease lease = TcpLease.Lend(array);
        return new InboundFrame(header, array.AsMemory(0, length), lease, lease.Token);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<FrameHeader> ReceiveHeaderAsync(CancellationToken cancellationToken = default)
    {
        if (_pendingPayload >= 0)
        {
            throw new InvalidOperationException(
                $"The payload of the previous frame ({_pendingPayload} bytes) was not read; call ReceivePayloadAsync first.");
        }
        ThrowIfAborted();
        using CancellationTokenRegistration registration = AbortOnCancellation(cancellationToken);
        Volatile.Write(ref _receiving, 1);
        try
        {
            bool failed = false;
            try
            {
                if (_inboxEnd - _inboxStart < FrameHeader.Size)
                {
                    await FillInboxAsync(FrameHeader.Size).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (IsConnectionFailure(e))
            {
                failed = true;
            }
            if (failed)
            {
                throw await FailAsync().ConfigureAwait(false);
            }
            bool valid = FrameHeader.TryRead(_inbox.AsSpan(_inboxStart, FrameHeader.Size), out FrameHeader header, out FrameHeaderError error);
            _inboxStart += FrameHeader.Size;
            if (!valid)
            {
                throw AbortForProtocol($"a malformed frame header ({error})");
            }
            if (header.Kind == FrameKind.Abort)
            {
                throw await AbortFromDataFrameAsync(header).ConfigureAwait(false);
            }
            if (header.PayloadLength > TransportLimits.MaxFramePayload)
            {
                throw AbortForProtocol(string.Create(CultureInfo.InvariantCulture,
                    $"a frame announcing {header.PayloadLength} payload bytes, over the {TransportLimits.MaxFramePayload}-byte limit"));
            }
            _pendingPayload = header.PayloadLength;
            Volatile.Write(ref _lastFrameTicks, Stopwatch.GetTimestamp());
            return header;
        }
        finally
        {
            Volatile.Write(ref _receiving, 0);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask ReceivePayloadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        int length = _pendingPayload;
        if (length < 0)
        {
            throw new InvalidOperationException("No frame header was received whose payload is unread; call ReceiveHeaderAsync first.");
        }
        if (destination.Length != length)
        {
            throw new ArgumentException(
                $"The frame carries {length} payload bytes but the destination has {destination.Length}.", nameof(destination));
        }
        ThrowIfAborted();
        using CancellationTokenRegistration registration = AbortOnCancellation(cancellationToken);
        Volatile.Write(ref _receiving, 1);
        bool failed = false;
        try
        {
            if (_layout.IsStriped(length))
            {
                await ReceiveStripedAsync(destination).ConfigureAwait(false);
            }
            else if (length > 0)
            {
                await ReceiveFirstAsync(destination).ConfigureAwait(false);
            }
            _pendingPayload = -1;
        }
        catch (Exception e) when (IsConnectionFailure(e))
        {
            failed = true;
        }
        finally
        {
            Volatile.Write(ref _receiving, 0);
        }
        if (failed)
        {
            throw await FailAsync().ConfigureAwait(false);
        }
    }

    public bool TryPeekHeader(out FrameHeader header)
    {
        header = default;
        if (Volatile.Read(ref _abort) is not null || Volatile.Read(ref _receiving) != 0 || _pendingPayload >= 0)
        {
            return false;
        }
        try
        {
            // Whatever the read-ahead holds comes first, then what the socket holds.
            Span<byte> bytes = stackalloc byte[FrameHeader.Size];
            int buffered = Math.Min(_inboxEnd - _inboxStart, FrameHeader.Size);
            _inbox.AsSpan(_inboxStart, buffered).CopyTo(bytes);
            if (buffered < FrameHeader.Size)
            {
                Socket socket = _data[0];
                if (socket.Available < FrameHeader.Size - buffered ||
                    socket.Receive(bytes[buffered..], SocketFlags.Peek, out SocketError error) != FrameHeader.Size - buffered ||
                    error != SocketError.Success)
                {
                    return false;
                }
            }
            // A receive that began meanwhile may have taken the header: then these are payload
            // bytes, which fail the magic and checksum and read as "nothing yet".
            return FrameHeader.TryRead(bytes, out header, out _) && header.Kind == FrameKind.Data;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>
    /// Reads from the first data connection into <paramref name="destination"/>: what the
    /// read-ahead holds, then small remainders through it and large ones straight into place.
    /// </summary>
    private ValueTask ReceiveFirstAsync(Memory<byte> destination)
    {
        int buffered = Math.Min(_inboxEnd - _inboxStart, destination.Length);
        _inbox.AsSpan(_inboxStart, buffered).CopyTo(destination.Span);
        _inboxStart += buffered;
        Memory<byte> rest = destination[buffered..];
        if (rest.IsEmpty)
        {
            return ValueTask.CompletedTask;
        }
        return rest.Length >= DirectReadMinimum
            ? ReceiveExactlyAsync(0, rest, _spinTicks)
            : ReceiveThroughInboxAsync(rest);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask ReceiveThroughInboxAsync(Memory<byte> destination)
    {
        await FillInboxAsync(destination.Length).ConfigureAwait(false);
        _inbox.AsMemory(_inboxStart, destination.Length).CopyTo(destination);
        _inboxStart += destination.Length;
    }

    /// <summary>Reads ahead until the inbox holds at least <paramref name="minimum"/> unread bytes: polling first, then asynchronously.</summary>
    private ValueTask FillInboxAsync(int minimum)
    {
        Debug.Assert(minimum <= InboxSize);
        int unread = _inboxEnd - _inboxStart;
        if (_inboxStart > 0)
        {
            _inbox.AsSpan(_inboxStart, unread).CopyTo(_inbox);
            _inboxStart = 0;
            _inboxEnd = unread;
        }
        long started = Stopwatch.GetTimestamp();
        try
        {
            _inboxEnd += ReceiveNow(_data[0], _inbox.AsSpan(_inboxEnd), minimum - unread, _waitSpinTicks);
        }
        catch (Exception e) when (IsConnectionFailure(e))
        {
            return ValueTask.FromException(e);
        }
        if (_inboxEnd >= minimum)
        {
            _waitSpinTicks = Math.Min(_spinTicks, _waitSpinTicks * 2 + _spinTicks / SpinSteps);
            return ValueTask.CompletedTask;
        }
        return FillInboxRestAsync(minimum, started);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask FillInboxRestAsync(int minimum, long started)
    {
        while (_inboxEnd < minimum)
        {
            await _poller.WaitAsync(_readable[0]).ConfigureAwait(false);
            _inboxEnd += ReceiveNow(_data[0], _inbox.AsSpan(_inboxEnd), minimum - _inboxEnd, _spinTicks);
        }
        // A wait far longer than the poll budget means the peer is busy or descheduled: poll less
        // next time, so oversubscribed ranks leave the cores to the ranks that have work. A short
        // one means a little more polling would have caught it.
        long waited = Stopwatch.GetTimestamp() - started;
        _waitSpinTicks = waited > LongWaitFactor * _spinTicks ? _waitSpinTicks / 2
            : waited < 2 * _spinTicks ? Math.Min(_spinTicks, _waitSpinTicks * 2 + _spinTicks / SpinSteps)
            : _waitSpinTicks;
    }

    /// <summary>
    /// Stripe i from socket i, straight into <paramref name="destination"/>. One thread first
    /// polls every socket in turn, so stripes that stream in cost no thread hop; whatever is still
    /// missing when nothing arrived for the poll budget is awaited on all sockets at once.
    /// </summary>
    private async ValueTask ReceiveStripedAsync(Memory<byte> destination)
    {
        int length = destination.Length;
        Array.Clear(_stripeReceived);
        (int firstStart, int firstCount) = _layout.Stripe(length, 0);
        int buffered = Math.Min(_inboxEnd - _inboxStart, firstCount);
        _inbox.AsSpan(_inboxStart, buffered).CopyTo(destination.Span[firstStart..]);
        _inboxStart += buffered;
        _stripeReceived[0] = buffered;
        Exception? failure = null;
        bool complete = false;
        try
        {
            complete = PollStripes(destination.Span);
        }
        catch (Exception e) when (IsConnectionFailure(e))
        {
            failure = e;
            await FailAsync().ConfigureAwait(false);
        }
        if (failure is not null)
        {
            throw failure;
        }
        if (complete)
        {
            return;
        }
        for (int i = 0; i < _data.Length; i++)
        {
            (int start, int count) = _layout.Stripe(length, i);
            int received = _stripeReceived[i];
            _stripeReceives[i] = received == count ? default
                : ReceiveExactlyAsync(i, destination.Slice(start + received, count - received), spinTicks: 0);
        }
        for (int i = 0; i < _data.Length; i++)
        {
            try
            {
                await _stripeReceives[i].ConfigureAwait(false);
            }
            catch (Exception e) when (IsConnectionFailure(e))
            {
                if (failure is null)
                {
                    failure = e;
                    await FailAsync().ConfigureAwait(false); // closes the sockets, so the other stripes end too
                }
            }
            _stripeReceives[i] = default;
        }
        if (failure is not null)
        {
            throw failure;
        }
    }

    /// <summary>
    /// Non-blocking reads from every socket in turn into its stripe until all stripes are in
    /// (true) or no socket delivered anything for the poll budget (false); progress is kept in
    /// <see cref="_stripeReceived"/>.
    /// </summary>
    private bool PollStripes(Span<byte> destination)
    {
        long giveUpAt = 0;
        while (true)
        {
            bool progress = false;
            bool complete = true;
            if (Volatile.Read(ref _unsentSockets) != 0)
            {
                PumpUnsent();
            }
            for (int i = 0; i < _data.Length; i++)
            {
                (int start, int count) = _layout.Stripe(destination.Length, i);
                int missing = count - _stripeReceived[i];
                if (missing == 0)
                {
                    continue;
                }
                int n = _data[i].Receive(destination.Slice(start + _stripeReceived[i], missing), SocketFlags.None, out SocketError error);
                if (error == SocketError.Success)
                {
                    if (n == 0)
                    {
                        throw new EndOfStreamException();
                    }
                    _stripeReceived[i] += n;
                    progress = true;
                    complete &= n == missing;
                }
                else if (error == SocketError.WouldBlock)
                {
                    complete = false;
                }
                else
                {
                    throw new SocketException((int)error);
                }
            }
            if (complete)
            {
                return true;
            }
            if (progress)
            {
                giveUpAt = 0;
                continue;
            }
            long now = Stopwatch.GetTimestamp();
            if (giveUpAt == 0)
            {
                if (_spinTicks == 0)
                {
                    return false;
                }
                giveUpAt = now + _spinTicks;
            }
            else if (now >= giveUpAt)
            {
                return false;
            }
        }
    }

    /// <summary>The peer sent its abort frame on the data connection: take its reason, never surface the frame.</summary>
    private async ValueTask<LinkAbortedException> AbortFromDataFrameAsync(FrameHeader header)
    {
        if (header.PayloadLength > AbortFrame.MaxLength)
        {
            return AbortForProtocol($"an abort frame of {header.PayloadLength} bytes");
        }
        byte[] payload = new byte[header.PayloadLength];
        try
        {
            await ReceiveFirstAsync(payload).ConfigureAwait(false);
        }
        catch (Exception e) when (IsConnectionFailure(e))
        {
            return await FailAsync().ConfigureAwait(false);
        }
        if (Interlocked.CompareExchange(ref _abort, new AbortState(PeerReason(AbortFrame.Decode(payload)), ByPeer: true), null) is null)
        {
            CloseSockets();
        }
        return Aborted();
    }

    /// <summary>
    /// Fills <paramref name="buffer"/> from data socket <paramref name="index"/>: polls the socket
    /// without blocking for up to <paramref name="spinTicks"/> after the last byte arrived (no
    /// thread hop when the peer is quick), then waits through the poller for the rest. Never
    /// throws synchronously, so several stripes can be started at once.
    /// </summary>
    private ValueTask ReceiveExactlyAsync(int index, Memory<byte> buffer, long spinTicks)
    {
        int received;
        try
        {
            received = ReceiveNow(_data[index], buffer.Span, buffer.Length, spinTicks);
        }
        catch (Exception e) when (IsConnectionFailure(e))
        {
            return ValueTask.FromException(e);
        }
        return received == buffer.Length ? ValueTask.CompletedTask : ReceiveRestAsync(index, buffer[received..], spinTicks);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask ReceiveRestAsync(int index, Memory<byte> buffer, long spinTicks)
    {
        while (!buffer.IsEmpty)
        {
            await _poller.WaitAsync(_readable[index]).ConfigureAwait(false);
            buffer = buffer[ReceiveNow(_data[index], buffer.Span, buffer.Length, spinTicks)..];
        }
    }

    /// <summary>
    /// Non-blocking reads into <paramref name="buffer"/> until at least <paramref name="minimum"/>
    /// bytes arrived or nothing arrived for <paramref name="spinTicks"/>; returns the bytes read.
    /// </summary>
    private int ReceiveNow(Socket socket, Span<byte> buffer, int minimum, long spinTicks)
    {
        int received = 0;
        long giveUpAt = 0;
        while (received < minimum)
        {
            if (Volatile.Read(ref _unsentSockets) != 0)
            {
                PumpUnsent();
            }
            int n = socket.Receive(buffer[received..], SocketFlags.None, out SocketError error);
            if (error == SocketError.Success)
            {
                if (n == 0)
                {
                    throw new EndOfStreamException();
                }
                received += n;
                giveUpAt = 0;
                continue;
            }
            if (error != SocketError.WouldBlock)
            {
                throw new SocketException((int)error);
            }
            long now = Stopwatch.GetTimestamp();
            if (giveUpAt == 0)
            {
                if (spinTicks == 0)
                {
                    break;
                }
                giveUpAt = now + spinTicks;
            }
            else if (now >= giveUpAt)
            {
                break;
            }
        }
        return received;
    }
}
