using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Collectives.Security;

namespace Collectives.Bootstrap;

/// <summary>
/// The rendezvous store served over TCP, by rank 0 inside its process or by a standalone
/// <c>collectives store</c> process (<see cref="RunAsync"/>). Every connection first passes the
/// mutual handshake for <see cref="HandshakePurpose.Store"/>; a stranger sending garbage, or a
/// client with another secret or job, is logged and dropped while everyone else is served on.
/// Waits are parked here until their key is set (clients never poll over the network) and end
/// at the deadline the client sent.
/// </summary>
public sealed partial class TcpStoreServer : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly JobCredentials _credentials;
    private readonly Action<string> _log;
    private readonly StoreTable _table = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Socket, Task> _connections = new();
    private readonly Task _acceptLoop;
    private readonly Lock _clientsGate = new();
    private int _clients;
    private TaskCompletionSource _noClients = CompletedSignal();
    private int _pendingHandshakes;
    private int _disposed;

    private TcpStoreServer(Socket listener, JobCredentials credentials, Action<string> log)
    {
        _listener = listener;
        _credentials = credentials;
        _log = log;
        LocalEndPoint = (IPEndPoint)listener.LocalEndPoint!;
        _acceptLoop = AcceptLoopAsync();
    }

    /// <summary>The address and port the server listens on (the real port when started with port 0).</summary>
    public IPEndPoint LocalEndPoint { get; }

    public int Port => LocalEndPoint.Port;

    /// <summary>"tcp://address:port", for messages.</summary>
    public string Address => RendezvousAddress.Tcp(LocalEndPoint.Address.ToString(), Port).ToString();

    /// <summary>Clients that passed the handshake and are still connected.</summary>
    public int ConnectedClients => Volatile.Read(ref _clients);

    /// <summary>
    /// Listens on <paramref name="endpoint"/> (port 0 picks a free port) and serves until disposed.
    /// Binds only that address. Without a secret in <paramref name="credentials"/> it says so in the log.
    /// </summary>
    /// <param name="log">Where notices go (refused strangers, unauthenticated jobs); standard error by default.</param>
    /// <exception cref="SocketException">The address cannot be bound (in use, or not this host's).</exception>
    public static TcpStoreServer Start(IPEndPoint endpoint, JobCredentials credentials, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(credentials);
        log ??= message => Console.Error.WriteLine(message);
        var listener = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endpoint.AddressFamily == AddressFamily.InterNetworkV6 && endpoint.Address.Equals(IPAddress.IPv6Any))
            {
                listener.DualMode = true;
            }
            listener.Bind(endpoint);
            listener.Listen(backlog: 512);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
        var server = new TcpStoreServer(listener, credentials, log);
        if (!credentials.IsAuthenticated)
        {
            server.Log($"job {credentials.JobId} runs without COLLECTIVES_SECRET: connections are checked for job id but not authenticated");
        }
        return server;
    }

    /// <summary>
    /// Serves on <paramref name="endpoint"/> until <paramref name="cancellationToken"/> is cancelled:
    /// the standalone store (<c>collectives store</c>). Logs the address it listens on first.
    /// </summary>
    public static async Task RunAsync(IPEndPoint endpoint, JobCredentials credentials, Action<string>? log, CancellationToken cancellationToken)
    {
        log ??= message => Console.Error.WriteLine(message);
        await using TcpStoreServer server = Start(endpoint, credentials, log);
        log($"collectives store: job {credentials.JobId} listening on {server.Address}");
        try
        {
            await Task.Delay(System.Threading.Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Asked to stop: dispose below.
        }
    }

    /// <summary>
    /// Waits until every client has disconnected (or <paramref name="timeout"/> passes): lets rank 0
    /// keep the store up until the other ranks are done with it. True when none is left.
    /// </summary>
    public async Task<bool> WaitForClientsToLeaveAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        Task noClients;
        lock (_clientsGate)
        {
            noClients = _noClients.Task;
        }
        try
        {
            await noClients.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        foreach (Socket socket in _connections.Keys)
        {
            socket.Dispose();
        }
        await _acceptLoop.ConfigureAwait(false);
        await Task.WhenAll(_connections.Values).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        await Task.Yield();
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException || _stopping.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException e)
            {
                // A connection that died in the backlog (reset before accept): the next one may be fine.
                Log($"accept failed: {e.Message}");
                continue;
            }
            if (Interlocked.Increment(ref _pendingHandshakes) > StoreTuning.MaxPendingHandshakes)
            {
                Interlocked.Decrement(ref _pendingHandshakes);
                Log($"dropped a connection from {socket.RemoteEndPoint}: {StoreTuning.MaxPendingHandshakes} connections are already in their handshake");
                socket.Dispose();
                continue;
            }
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Task connection = ServeConnectionAsync(socket, started.Task);
            _connections[socket] = connection;
            started.SetResult();
            if (_stopping.IsCancellationRequested)
            {
                socket.Dispose(); // disposal raced with this accept: DisposeAsync may have missed it
            }
        }
    }

    private async Task ServeConnectionAsync(Socket socket, Task registered)
    {
        await registered.ConfigureAwait(false);
        string remote = socket.RemoteEndPoint?.ToString() ?? "an unknown address";
        try
        {
            socket.NoDelay = true;
            await using var stream = new NetworkStream(socket, ownsSocket: true);
            HandshakeHello? hello = await HandshakeAsync(stream, remote).ConfigureAwait(false);
            if (hello is null)
            {
                return;
            }
            ClientArrived();
            try
            {
                await ServeRequestsAsync(stream, $"rank {hello.Value.DialerEndpoint} at {remote}").ConfigureAwait(false);
            }
            finally
            {
                ClientLeft();
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The client went away or the server is stopping: nothing to serve.
        }
        catch (Exception e)
        {
            Log($"connection from {remote} failed: {e}");
        }
        finally
        {
            socket.Dispose();
            _connections.TryRemove(socket, out _);
        }
    }

    /// <summary>The verified hello, or null (logged) for a connection that failed or refused the handshake.</summary>
    private async Task<HandshakeHello?> HandshakeAsync(NetworkStream stream, string remote)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        deadline.CancelAfter(StoreTuning.HandshakeTimeout);
        try
        {
            return await MutualAuthentication.AcceptAsync(stream, _credentials,
                hello => hello.Purpose == HandshakePurpose.Store, deadline.Token).ConfigureAwait(false);
        }
        catch (AuthenticationException e)
        {
            Log($"refused a connection from {remote}: {e.Message}");
        }
        catch (OperationCanceledException) when (!_stopping.IsCancellationRequested)
        {
            Log($"dropped a connection from {remote}: no handshake within {StoreTuning.HandshakeTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s");
        }
        catch (IOException e) when (!_stopping.IsCancellationRequested)
        {
            Log($"dropped a connection from {remote} during the handshake: {e.Message}");
        }
        finally
        {
            Interlocked.Decrement(ref _pendingHandshakes);
        }
        return null;
    }

    private void ClientArrived()
    {
        lock (_clientsGate)
        {
            if (_clients++ == 0)
            {
                _noClients = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    private void ClientLeft()
    {
        lock (_clientsGate)
        {
            if (--_clients == 0)
            {
                _noClients.TrySetResult();
            }
        }
    }

    private static TaskCompletionSource CompletedSignal()
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        signal.SetResult();
        return signal;
    }

    private void Log(string message)
    {
        try
        {
            _log(message.StartsWith("collectives store:", StringComparison.Ordinal) ? message : "collectives store: " + message);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // A closed log must not take the store down.
        }
    }
}
