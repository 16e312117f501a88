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
                await SendAllAsync(_data[0], _sendBuffer.AsMemory(0, FrameHeader.Size + payload.Length)).ConfigureAwait(false);
            }
            else
            {
                await SendAllAsync(_data[0], _sendBuffer.AsMemory(0, FrameHeader.Size)).ConfigureAwait(false);
                await SendAllAsync(_data[0], payload).ConfigureAwait(false);
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
            _stripeSends[i] = count == 0 ? default : SendAllAsync(_data[i], payload.Slice(start, count));
        }
        Exception? failure = null;
        try
        {
            (int start, int count) = _layout.Stripe(length, 0);
            await SendAllAsync(_data[0], _sendBuffer.AsMemory(0, FrameHeader.Size)).ConfigureAwait(false);
            await SendAllAsync(_data[0], payload.Slice(start, count)).ConfigureAwait(false);
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
    /// Writes all of <paramref name="buffer"/>: synchronously while the kernel's send buffer has
    /// room (the common case, no thread hop), asynchronously for whatever does not fit.
    /// </summary>
    private static ValueTask SendAllAsync(Socket socket, ReadOnlyMemory<byte> buffer)
    {
        int sent;
        SocketError error;
        try
        {
            sent = socket.Send(buffer.Span, SocketFlags.None, out error);
        }
        catch (ObjectDisposedException e)
        {
            return ValueTask.FromException(e); // never throw synchronously: striped sends start several at once
        }
        if (error == SocketError.Success)
        {
            if (sent == buffer.Length)
            {
                return ValueTask.CompletedTask;
            }
        }
        else if (error == SocketError.WouldBlock)
        {
            sent = 0;
        }
        else
        {
            return ValueTask.FromException(new SocketException((int)error));
        }
        return SendRestAsync(socket, buffer[sent..]);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private static async ValueTask SendRestAsync(Socket socket, ReadOnlyMemory<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            int sent = await socket.SendAsync(buffer, SocketFlags.None).ConfigureAwait(false);
            buffer = buffer[sent..];
        }
    }
}
