using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Collectives.Wire;

namespace Collectives.Transport.Tcp;

internal sealed partial class TcpPeerLink
{
    /// <summary>
    /// Payloads up to this size are copied behind the header and sent in one system call; larger
    /// ones go straight from the caller's memory after a separate header (the copy would cost
    /// more than the extra call).
    /// </summary>
    private const int CoalesceLimit = 16 << 10;

    /// <summary>Header plus a coalesced payload; one sender at a time owns it.</summary>
    private readonly byte[] _sendBuffer = GC.AllocateUninitializedArray<byte>(FrameHeader.Size + CoalesceLimit, pinned: true);

    /// <summary>Sends of stripes 1..n-1 of the frame in flight (slot 0 unused); reused by every striped frame.</summary>
    private readonly ValueTask[] _stripeSends;

    /// <summary>
    /// Per data socket, the bytes of a send that did not fit in the kernel's buffer. Whoever comes
    /// first writes them: the sender, woken by the poller, or a receive on this link that is
    /// polling its own socket anyway. The second saves the wake-ups of a send that streams while
    /// the same thread waits for the peer's half of an exchange (every ring step).
    /// </summary>
    private readonly ReadOnlyMemory<byte>[] _unsent;

    /// <summary>Per data socket, 1 while someone writes its unsent bytes: one writer keeps them in order.</summary>
    private readonly int[] _unsentLocks;

    /// <summary>Number of data sockets with unsent bytes; receives check it before pumping.</summary>
    private int _unsentSockets;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask SendAsync(FrameHeader header, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        if (payload.Length != header.PayloadLength)
        {
            throw new ArgumentException(
                $"The header announces {header.PayloadLength} payload bytes but the payload has {payload.Length}.", nameof(payload));
        }
        ThrowIfAborted();
        if (PeerHasAborted())
        {
            throw await FailAsync().ConfigureAwait(false);
        }
        using CancellationTokenRegistration registration = AbortOnCancellation(cancellationToken);
        header.Write(_sendBuffer);
        bool failed = false;
        try
        {
            if (_layout.IsStriped(payload.Length))
            {
                await SendStripedAsync(payload).ConfigureAwait(false);
            }
            else if (payload.Length <= CoalesceLimit)
            {
                payload.Span.CopyTo(_sendBuffer.AsSpan(FrameHeader.Size));
                await SendAllAsync(0, _sendBuffer.AsMemory(0, FrameHeader.Size + payload.Length)).ConfigureAwait(false);
            }
            else
            {
                await SendAllAsync(0, _sendBuffer.AsMemory(0, FrameHeader.Size)).ConfigureAwait(false);
                await SendAllAsync(0, payload).ConfigureAwait(false);
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
    }

    /// <summary>
    /// Header and stripe 0 on socket 0, stripe i on socket i, all in flight together. Every
    /// stripe is awaited even after one failed, so none still reads the caller's memory when
    /// this returns.
    /// </summary>
    private async ValueTask SendStripedAsync(ReadOnlyMemory<byte> payload)
    {
        int length = payload.Length;
        for (int i = 1; i < _data.Length; i++)
        {
            (int start, int count) = _layout.Stripe(length, i);
            _stripeSends[i] = count == 0 ? default : SendAllAsync(i, payload.Slice(start, count));
        }
        Exception? failure = null;
        try
        {
            (int start, int count) = _layout.Stripe(length, 0);
            await SendAllAsync(0, _sendBuffer.AsMemory(0, FrameHeader.Size)).ConfigureAwait(false);
            await SendAllAsync(0, payload.Slice(start, count)).ConfigureAwait(false);
        }
        catch (Exception e) when (IsConnectionFailure(e))
        {
            failure = e;
            await FailAsync().ConfigureAwait(false); // closes the sockets, so the other stripes end too
        }
        for (int i = 1; i < _data.Length; i++)
        {
            try
            {
                await _stripeSends[i].ConfigureAwait(false);
            }
            catch (Exception e) when (IsConnectionFailure(e))
            {
                if (failure is null)
                {
                    failure = e;
                    await FailAsync().ConfigureAwait(false);
                }
            }
            _stripeSends[i] = default;
        }
        if (failure is not null)
        {
            throw failure;
        }
    }

    /// <summary>
    /// Writes all of <paramref name="buffer"/> to data socket <paramref name="index"/>:
    /// synchronously while the kernel's send buffer has room (the common case, no thread hop),
    /// then through the poller for whatever does not fit. Never throws synchronously, since
    /// striped sends start several at once.
    /// </summary>
    private ValueTask SendAllAsync(int index, ReadOnlyMemory<byte> buffer)
    {
        int sent;
        try
        {
            sent = SendNow(_data[index], buffer.Span);
        }
        catch (Exception e) when (IsConnectionFailure(e))
        {
            return ValueTask.FromException(e);
        }
        return sent == buffer.Length ? ValueTask.CompletedTask : SendRestAsync(index, buffer[sent..]);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendRestAsync(int index, ReadOnlyMemory<byte> buffer)
    {
        LockUnsent(index);
        _unsent[index] = buffer;
        Volatile.Write(ref _unsentLocks[index], 0);
        Interlocked.Increment(ref _unsentSockets);
        try
        {
            bool done = false;
            while (!done)
            {
                await _poller.WaitAsync(_writable[index]).ConfigureAwait(false);
                LockUnsent(index);
                try
                {
                    ReadOnlyMemory<byte> rest = _unsent[index];
                    if (!rest.IsEmpty)
                    {
                        _unsent[index] = rest = rest[SendNow(_data[index], rest.Span)..];
                    }
                    done = rest.IsEmpty;
                }
                finally
                {
                    Volatile.Write(ref _unsentLocks[index], 0);
                }
            }
        }
        finally
        {
            // After a failure too: nobody may write these bytes (the caller's memory) once this returns.
            LockUnsent(index);
            _unsent[index] = default;
            Volatile.Write(ref _unsentLocks[index], 0);
            Interlocked.Decrement(ref _unsentSockets);
        }
    }

    /// <summary>
    /// Writes what the kernel takes of every socket's unsent bytes, without waiting; called by
    /// receives while they poll. Failures are left to the sender, whose next attempt meets them.
    /// </summary>
    private void PumpUnsent()
    {
        for (int i = 0; i < _data.Length; i++)
        {
            if (Interlocked.CompareExchange(ref _unsentLocks[i], 1, 0) != 0)
            {
                continue;
            }
            try
            {
                ReadOnlyMemory<byte> rest = _unsent[i];
                if (!rest.IsEmpty)
                {
                    _unsent[i] = rest[SendNow(_data[i], rest.Span)..];
                }
            }
            catch (Exception e) when (IsConnectionFailure(e))
            {
                // the sender's own attempt reports it
            }
            finally
            {
                Volatile.Write(ref _unsentLocks[i], 0);
            }
        }
    }

    /// <summary>Takes socket <paramref name="index"/>'s unsent-bytes lock; its holders only make one non-blocking call.</summary>
    private void LockUnsent(int index)
    {
        var spinner = default(SpinWait);
        while (Interlocked.CompareExchange(ref _unsentLocks[index], 1, 0) != 0)
        {
            spinner.SpinOnce();
        }
    }

    /// <summary>One non-blocking send: the bytes the kernel took (0 when its buffer is full).</summary>
    private static int SendNow(Socket socket, ReadOnlySpan<byte> buffer)
    {
        int sent = socket.Send(buffer, SocketFlags.None, out SocketError error);
        return error switch
        {
            SocketError.Success => sent,
            SocketError.WouldBlock => 0,
            _ => throw new SocketException((int)error),
        };
    }
}
