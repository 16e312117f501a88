using System.Net.Sockets;

namespace Collectives.Transport.Tcp;

/// <summary>
/// A stream over a non-blocking socket that waits through the <see cref="SocketPoller"/>, for
/// the connection handshake: a <see cref="NetworkStream"/> would use .NET's async socket
/// operations and tie the socket to the runtime's epoll thread for the rest of its life.
/// Asynchronous reads and writes only.
/// </summary>
internal sealed class PolledSocketStream(Socket socket, SocketPoller poller) : Stream
{
    private readonly SocketWait _readable = new(socket, SelectMode.SelectRead);
    private readonly SocketWait _writable = new(socket, SelectMode.SelectWrite);

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            int received = socket.Receive(buffer.Span, SocketFlags.None, out SocketError error);
            if (error == SocketError.Success)
            {
                return received;
            }
            if (error != SocketError.WouldBlock)
            {
                throw new IOException($"The connection failed during the handshake: {error}.", new SocketException((int)error));
            }
            await poller.WaitAsync(_readable, cancellationToken).ConfigureAwait(false);
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (!buffer.IsEmpty)
        {
            int sent = socket.Send(buffer.Span, SocketFlags.None, out SocketError error);
            if (error == SocketError.Success)
            {
                buffer = buffer[sent..];
            }
            else if (error == SocketError.WouldBlock)
            {
                await poller.WaitAsync(_writable, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                throw new IOException($"The connection failed during the handshake: {error}.", new SocketException((int)error));
            }
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Use ReadAsync.");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("Use WriteAsync.");

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
