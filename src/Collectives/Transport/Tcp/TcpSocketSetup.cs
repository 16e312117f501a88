using System.Net;
using System.Net.Sockets;

namespace Collectives.Transport.Tcp;

/// <summary>Socket options every socket of the transport gets, in one place.</summary>
internal static class TcpSocketSetup
{
    /// <summary>Linux's IPPROTO_TCP and TCP_USER_TIMEOUT (netinet/tcp.h); .NET has no named option for it.</summary>
    private const int IpProtoTcp = 6;
    private const int TcpUserTimeout = 18;

    /// <summary>Pending connections the kernel queues before our accept loop takes them: a few per peer of a large job.</summary>
    private const int ListenBacklog = 512;

    public static Socket Listen(TcpTransportOptions options)
    {
        var listener = new Socket(options.BindAddress.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // Accepted sockets inherit the buffer sizes; setting them before listen lets the
            // window scale be negotiated for them.
            SetBufferSizes(listener, options);
            listener.Bind(new IPEndPoint(options.BindAddress, 0));
            listener.Listen(ListenBacklog);
            return listener;
        }
        catch
        {
            listener.Dispose();
            throw;
        }
    }

    /// <summary>A socket for dialing, bound to the bind address so traffic leaves from the interface given.</summary>
    public static Socket CreateDialer(TcpTransportOptions options)
    {
        var socket = new Socket(options.BindAddress.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            SetBufferSizes(socket, options);
            socket.Bind(new IPEndPoint(options.BindAddress, 0));
            socket.Blocking = false;
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Options for a connected socket: non-blocking, no Nagle delay, keepalive, user timeout.</summary>
    public static void Configure(Socket socket, TcpTransportOptions options)
    {
        socket.Blocking = false;
        socket.NoDelay = true;
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, (int)options.KeepAliveIdle.TotalSeconds);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, (int)options.KeepAliveInterval.TotalSeconds);
        socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, options.KeepAliveProbes);
        if (OperatingSystem.IsLinux() && options.UserTimeout > TimeSpan.Zero)
        {
            Span<byte> milliseconds = stackalloc byte[sizeof(int)];
            BitConverter.TryWriteBytes(milliseconds, (int)options.UserTimeout.TotalMilliseconds);
            socket.SetRawSocketOption(IpProtoTcp, TcpUserTimeout, milliseconds);
        }
        SetBufferSizes(socket, options);
    }

    private static void SetBufferSizes(Socket socket, TcpTransportOptions options)
    {
        if (options.SendBufferSize > 0)
        {
            socket.SendBufferSize = options.SendBufferSize;
        }
        if (options.ReceiveBufferSize > 0)
        {
            socket.ReceiveBufferSize = options.ReceiveBufferSize;
        }
    }
}
