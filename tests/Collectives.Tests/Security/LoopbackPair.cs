using System.Net;
using System.Net.Sockets;

namespace Collectives.Tests.Security;

/// <summary>Two ends of a real TCP connection over loopback (port 0), as <see cref="NetworkStream"/>s.</summary>
public sealed class LoopbackPair : IAsyncDisposable
{
    private LoopbackPair(NetworkStream dialer, NetworkStream acceptor)
    {
        Dialer = dialer;
        Acceptor = acceptor;
    }

    public NetworkStream Dialer { get; }

    public NetworkStream Acceptor { get; }

    public static async Task<LoopbackPair> ConnectAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        Task connect = client.ConnectAsync(listener.LocalEndPoint!);
        Socket server = await listener.AcceptAsync();
        await connect;
        return new LoopbackPair(new NetworkStream(client, ownsSocket: true), new NetworkStream(server, ownsSocket: true));
    }

    public async ValueTask DisposeAsync()
    {
        await Dialer.DisposeAsync();
        await Acceptor.DisposeAsync();
    }
}

/// <summary>A stream that keeps a copy of every byte read through it (to replay a recorded handshake).</summary>
public sealed class RecordingStream(Stream inner) : Stream
{
    private readonly MemoryStream _read = new();

    public byte[] BytesRead => _read.ToArray();

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush() => inner.Flush();

    public override int Read(byte[] buffer, int offset, int count)
    {
        int n = inner.Read(buffer, offset, count);
        _read.Write(buffer, offset, n);
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int n = await inner.ReadAsync(buffer, cancellationToken);
        _read.Write(buffer.Span[..n]);
        return n;
    }

    public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        inner.WriteAsync(buffer, cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
