using System.Net.Sockets;

namespace Collectives.Transport.Tcp;

/// <summary>
/// The accepting side's rendezvous: authenticated connections wait here, per (communicator,
/// dialing endpoint), until the local <c>ConnectAsync</c> for that link claims them. Connections
/// that arrive first are parked until it does, or until the connect timeout; a claimant that
/// comes first waits for the connections. All members are called under the transport's lock.
/// </summary>
internal sealed class InboundConnections
{
    /// <summary>
    /// Most connections parked at once before anyone claims them: enough for every channel of a
    /// large job's links racing ahead, few enough that hellos naming made-up communicators cannot
    /// exhaust the process's file descriptors.
    /// </summary>
    public const int MaxParked = 4096;

    private readonly Dictionary<(ulong CommunicatorId, int Dialer), Entry> _entries = new();
    private int _parked;

    /// <summary>Whether a hello naming this link and channel could still be used (checked before the proof, so cheap).</summary>
    public bool Admits(ulong communicatorId, int dialer, int channel)
    {
        if (!_entries.TryGetValue((communicatorId, dialer), out Entry? entry))
        {
            return _parked < MaxParked;
        }
        return entry.Sockets[channel] is null && (entry.Expected < 0 ? _parked < MaxParked : channel < entry.Expected);
    }

    /// <summary>
    /// Adds an authenticated connection. Returns false (the caller closes it) when it is a
    /// duplicate or no longer wanted; returns the claimant to wake when it completes a link.
    /// </summary>
    public bool TryAdd(ulong communicatorId, int dialer, int channel, Socket socket, TimeSpan parkTimeout,
        Action<Entry> expire, out Entry? completed)
    {
        completed = null;
        var key = (communicatorId, dialer);
        if (!_entries.TryGetValue(key, out Entry? entry))
        {
            if (_parked >= MaxParked)
            {
                return false;
            }
            entry = new Entry(key);
            _entries.Add(key, entry);
            Entry parked = entry;
            entry.Expiry = new Timer(_ => expire(parked), null, parkTimeout, Timeout.InfiniteTimeSpan);
        }
        if (entry.Sockets[channel] is not null || (entry.Claimant is null ? _parked >= MaxParked : channel >= entry.Expected))
        {
            return false;
        }
        entry.Sockets[channel] = socket;
        entry.Count++;
        if (entry.Claimant is null)
        {
            _parked++;
        }
        else if (entry.Count == entry.Expected)
        {
            _entries.Remove(key);
            completed = entry;
        }
        return true;
    }

    /// <summary>
    /// The local side asks for the link's <paramref name="expected"/> connections. Returns the
    /// entry; <paramref name="complete"/> says whether they are all there already (then the
    /// entry is removed and its sockets are the caller's).
    /// </summary>
    public Entry Claim(ulong communicatorId, int dialer, int expected, out bool complete, out List<Socket> surplus)
    {
        var key = (communicatorId, dialer);
        surplus = [];
        if (_entries.TryGetValue(key, out Entry? entry))
        {
            if (entry.Claimant is not null)
            {
                throw new InvalidOperationException(
                    $"A link for communicator {communicatorId:x16} with endpoint {dialer} is already being connected.");
            }
            entry.Expiry?.Dispose();
            entry.Expiry = null;
            _parked -= entry.Count;
            for (int channel = expected; channel < entry.Sockets.Length; channel++)
            {
                // Channels beyond what the two blobs agree on: a dialer with other options. Unused.
                if (entry.Sockets[channel] is { } extra)
                {
                    surplus.Add(extra);
                    entry.Sockets[channel] = null;
                    entry.Count--;
                }
            }
        }
        else
        {
            entry = new Entry(key);
            _entries.Add(key, entry);
        }
        entry.Expected = expected;
        entry.Claimant = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        complete = entry.Count == expected;
        if (complete)
        {
            _entries.Remove(key);
        }
        return entry;
    }

    /// <summary>Removes an entry (expired, timed out, or abandoned) if it is still the current one; the caller closes its sockets.</summary>
    public bool Remove(Entry entry)
    {
        if (!_entries.TryGetValue(entry.Key, out Entry? current) || current != entry)
        {
            return false;
        }
        _entries.Remove(entry.Key);
        if (entry.Claimant is null)
        {
            _parked -= entry.Count;
        }
        entry.Expiry?.Dispose();
        entry.Expiry = null;
        return true;
    }

    /// <summary>Empties the table (the transport is closing) and returns every entry.</summary>
    public List<Entry> RemoveAll()
    {
        var all = _entries.Values.ToList();
        foreach (Entry entry in all)
        {
            entry.Expiry?.Dispose();
            entry.Expiry = null;
        }
        _entries.Clear();
        _parked = 0;
        return all;
    }

    internal sealed class Entry((ulong CommunicatorId, int Dialer) key)
    {
        public (ulong CommunicatorId, int Dialer) Key { get; } = key;

        /// <summary>By channel: 0 is the control connection, 1..n the data connections.</summary>
        public Socket?[] Sockets { get; } = new Socket?[TcpTransportOptions.MaxSocketsPerPeer + 1];

        public int Count { get; set; }

        /// <summary>Channels the claimant expects, or -1 while none has claimed the entry.</summary>
        public int Expected { get; set; } = -1;

        public TaskCompletionSource? Claimant { get; set; }

        public Timer? Expiry { get; set; }

        public void CloseSockets()
        {
            foreach (Socket? socket in Sockets)
            {
                socket?.Dispose();
            }
        }
    }
}
