using System.Net;
using System.Net.Sockets;

namespace Collectives.Transport.Tcp;

/// <summary>
/// Waits for sockets to become readable or writable on one dedicated thread, with poll(2) over
/// only the sockets some operation is waiting on. The transport's sockets never use .NET's
/// async socket operations: the first one registers a socket with the runtime's epoll thread for
/// good, and from then on every arriving segment wakes that thread, even while a receive is
/// polling the socket itself; on two busy cores that costs a context switch per message. Here a
/// socket costs a wake-up only while an operation waits on it.
/// </summary>
internal sealed class SocketPoller : IDisposable
{
    /// <summary>Longest single poll: a safety net only, since adding a wait interrupts the poll.</summary>
    private const int PollSliceMicroseconds = 1_000_000;

    private static readonly byte[] WakeByte = [1];

    private readonly object _gate = new();
    private readonly List<SocketWait> _waits = [];
    private readonly Socket _wake;
    private readonly Thread _thread;
    private bool _polling;
    private bool _wakePending;
    private bool _disposed;

    public SocketPoller(string name)
    {
        // A UDP socket connected to itself: one datagram interrupts the poll.
        _wake = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _wake.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _wake.Connect(_wake.LocalEndPoint!);
        _wake.Blocking = false;
        _thread = new Thread(Run) { IsBackground = true, Name = name };
        _thread.Start();
    }

    /// <summary>Completes when <paramref name="wait"/>'s socket is ready for its direction, has failed, or was closed.</summary>
    public ValueTask WaitAsync(SocketWait wait)
    {
        ValueTask ready = wait.Arm();
        bool wake;
        lock (_gate)
        {
            if (_disposed)
            {
                wait.Fail(new ObjectDisposedException(nameof(SocketPoller), "The tcp transport was disposed."));
                return ready;
            }
            _waits.Add(wait);
            wake = _polling && !_wakePending;
            _wakePending |= wake;
        }
        if (wake)
        {
            _wake.Send(WakeByte, SocketFlags.None, out _);
        }
        return ready;
    }

    /// <summary>Like <see cref="WaitAsync(SocketWait)"/>, failing with <see cref="OperationCanceledException"/> when the token fires.</summary>
    public async ValueTask WaitAsync(SocketWait wait, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ValueTask ready = WaitAsync(wait);
        using (cancellationToken.UnsafeRegister(static state =>
        {
            var (poller, wait, token) = ((SocketPoller, SocketWait, CancellationToken))state!;
            poller.Cancel(wait, token);
        }, (this, wait, cancellationToken)))
        {
            await ready.ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        List<SocketWait> waits;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            waits = [.. _waits];
            _waits.Clear();
        }
        _wake.Send(WakeByte, SocketFlags.None, out _);
        _thread.Join(TimeSpan.FromSeconds(5));
        _wake.Dispose();
        foreach (SocketWait wait in waits)
        {
            wait.Fail(new ObjectDisposedException(nameof(SocketPoller), "The tcp transport was disposed."));
        }
    }

    private void Cancel(SocketWait wait, CancellationToken token)
    {
        lock (_gate)
        {
            _waits.Remove(wait);
        }
        wait.Fail(new OperationCanceledException(token));
    }

    private void Run()
    {
        var read = new List<Socket>();
        var write = new List<Socket>();
        var error = new List<Socket>();
        var ready = new List<SocketWait>();
        byte[] drain = new byte[64];
        while (true)
        {
            lock (_gate)
            {
                if (_disposed)
                {
                    return;
                }
                read.Clear();
                write.Clear();
                error.Clear();
                read.Add(_wake);
                foreach (SocketWait wait in _waits)
                {
                    (wait.Mode == SelectMode.SelectRead ? read : write).Add(wait.Socket);
                    error.Add(wait.Socket);
                }
                _polling = true;
            }
            bool everyone = false;
            try
            {
                Socket.Select(read, write, error, PollSliceMicroseconds);
            }
            catch (Exception e) when (e is ObjectDisposedException or SocketException)
            {
                // A socket was closed meanwhile: wake every waiter; each retries its operation,
                // which fails on the closed socket or waits again.
                everyone = true;
            }
            lock (_gate)
            {
                _polling = false;
                _wakePending = false;
                for (int i = _waits.Count - 1; i >= 0; i--)
                {
                    SocketWait wait = _waits[i];
                    if (everyone || error.Contains(wait.Socket) ||
                        (wait.Mode == SelectMode.SelectRead ? read : write).Contains(wait.Socket))
                    {
                        ready.Add(wait);
                        _waits.RemoveAt(i);
                    }
                }
            }
            while (_wake.Receive(drain, SocketFlags.None, out SocketError drained) > 0 && drained == SocketError.Success)
            {
            }
            foreach (SocketWait wait in ready)
            {
                wait.Complete();
            }
            ready.Clear();
        }
    }
}
