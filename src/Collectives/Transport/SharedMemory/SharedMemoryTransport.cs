using System.Globalization;
using System.Security.Cryptography;

namespace Collectives.Transport.SharedMemory;

/// <summary>
/// Links between endpoints on one host through /dev/shm (DESIGN.md, Transports). Each link has a
/// segment with a single-producer/single-consumer byte ring per direction; frames are written
/// whole (header, then payload) and lent to the receiver in place, so an algorithm reduces
/// straight out of the peer's ring. Waiting spins briefly, then parks on this endpoint's
/// progress thread, which sleeps on a futex doorbell the peers ring, so ranks that outnumber
/// cores still progress and no caller thread blocks. Segments are unlinked as soon as both ends
/// mapped them; leftovers of crashed processes are removed when a transport starts.
/// </summary>
public sealed class SharedMemoryTransport : ITransport
{
    public const string TransportName = "shm";

    private readonly SharedMemoryTransportOptions _options;
    private readonly object _gate = new();
    private readonly Dictionary<ulong, (SharedSegment Segment, Doorbell Bell)> _peerDoorbells = [];
    private TransportEndpoint? _endpoint;
    private SharedMemoryAddress? _self;
    private SharedSegment? _doorbellSegment;
    private ProgressEngine? _engine;
    private int _disposed;

    public SharedMemoryTransport(SharedMemoryTransportOptions? options = null)
    {
        _options = options ?? SharedMemoryTransportOptions.Default;
        _options.Validate();
    }

    public string Name => TransportName;

    /// <summary>Why this machine cannot run the transport, or null when it can.</summary>
    public static string? UnavailableReason =>
        !OperatingSystem.IsLinux() ? "the shared-memory transport needs Linux (futex, /dev/shm)" :
        !Futex.IsSupported ? "the shared-memory transport supports x64 and arm64 only" :
        !Directory.Exists(SegmentNames.Directory) ? $"{SegmentNames.Directory} does not exist" :
        null;

    /// <summary>This endpoint's doorbell segment (exists while the transport runs).</summary>
    internal string? DoorbellPath => _doorbellSegment?.Path;

    /// <summary>The links this transport made and has not seen disposed.</summary>
    internal IReadOnlyList<SharedMemoryLink> Links => _engine?.Snapshot() ?? [];

    public ValueTask<byte[]> StartAsync(TransportEndpoint endpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        cancellationToken.ThrowIfCancellationRequested();
        if (UnavailableReason is { } reason)
        {
            throw new PlatformNotSupportedException(reason + "; use the tcp transport.");
        }
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed != 0, this);
            if (_endpoint is not null)
            {
                throw new InvalidOperationException("The shared-memory transport was already started.");
            }
            StaleSegmentCleaner.Clean(SegmentNames.Directory);
            ulong instance = NewInstanceId();
            ulong jobHash = endpoint.Credentials.JobHash;
            string path = SegmentNames.Doorbell(SegmentNames.Directory, jobHash, endpoint.Endpoint, instance);
            _doorbellSegment = DoorbellSegment.Create(path, jobHash);
            ExitCleanup.Add(path);
            unsafe
            {
                _engine = new ProgressEngine(new Doorbell(_doorbellSegment.Base), endpoint.Endpoint);
            }
            _self = new SharedMemoryAddress(endpoint.HostId, jobHash, endpoint.Endpoint, ProcessIdentity.Current, instance);
            _endpoint = endpoint;
            return ValueTask.FromResult(_self.Encode());
        }
    }

    public bool CanConnect(ReadOnlySpan<byte> peerAddress) =>
        _self is { } self && SharedMemoryAddress.TryDecode(peerAddress, out SharedMemoryAddress? peer) && CanConnect(self, peer!);

    public async ValueTask<IPeerLink> ConnectAsync(LinkKey key, ReadOnlyMemory<byte> peerAddress, CancellationToken cancellationToken)
    {
        SharedMemoryAddress self = _self ?? throw new InvalidOperationException("Start the shared-memory transport before connecting.");
        TransportEndpoint endpoint = _endpoint!;
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (key.LocalEndpoint != self.Endpoint || key.PeerEndpoint == self.Endpoint)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Link {key} does not lead from this endpoint ({self.Endpoint}) to another one."), nameof(key));
        }
        if (!SharedMemoryAddress.TryDecode(peerAddress.Span, out SharedMemoryAddress? peer) || peer!.Endpoint != key.PeerEndpoint)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"The address given for endpoint {key.PeerEndpoint} is not a shared-memory address of that endpoint."), nameof(peerAddress));
        }
        if (!CanConnect(self, peer))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Endpoint {key.PeerEndpoint} is on host '{peer.HostId}' (this is '{self.HostId}') or in another job: shared memory cannot link them."),
                nameof(peerAddress));
        }
        Doorbell peerBell = PeerDoorbell(peer);
        bool creator = self.Endpoint < peer.Endpoint;
        (SharedMemoryAddress low, SharedMemoryAddress high) = creator ? (self, peer) : (peer, self);
        var spec = new PairSpec(
            SegmentNames.Pair(SegmentNames.Directory, self.JobHash, key.CommunicatorId, low.Endpoint, high.Endpoint, low.Instance, high.Instance),
            endpoint.Credentials.Key, self.JobHash, key.CommunicatorId, low.Endpoint, high.Endpoint, low.Instance, high.Instance,
            self.Endpoint, peer.Endpoint, peer.Process, endpoint.ConnectTimeout);
        SharedSegment segment;
        LocalPair? local;
        long capacity;
        if (creator)
        {
            capacity = _options.RingBytes;
            (segment, local) = await PairHandshake.CreateAsync(spec, capacity, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            (segment, local, capacity) = await PairHandshake.OpenAsync(spec, cancellationToken).ConfigureAwait(false);
        }
        ProgressEngine engine = _engine!;
        var link = new SharedMemoryLink(segment, creator ? 0 : 1, capacity, peerBell, self.Endpoint, peer.Endpoint, local,
            _options.Spin, engine.Remove);
        engine.Add(link);
        if (Volatile.Read(ref _disposed) != 0)
        {
            await link.DisposeAsync().ConfigureAwait(false);
            throw new ObjectDisposedException(nameof(SharedMemoryTransport));
        }
        return link;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0 || _engine is null)
        {
            return;
        }
        // Links first, while the peers' doorbells are still mapped (closing rings them).
        foreach (SharedMemoryLink link in _engine.Snapshot())
        {
            await link.DisposeAsync().ConfigureAwait(false);
        }
        _engine.Stop();
        lock (_gate)
        {
            foreach ((SharedSegment segment, _) in _peerDoorbells.Values)
            {
                segment.Dispose();
            }
            _peerDoorbells.Clear();
            ExitCleanup.Remove(_doorbellSegment!.Path);
            _doorbellSegment.Unlink();
            _doorbellSegment.Dispose();
        }
    }

    private static bool CanConnect(SharedMemoryAddress self, SharedMemoryAddress peer) =>
        peer.HostId == self.HostId && peer.JobHash == self.JobHash && peer.Endpoint != self.Endpoint && peer.Instance != self.Instance;

    /// <summary>The doorbell of a peer endpoint, mapped once per peer process and kept while the transport runs.</summary>
    private Doorbell PeerDoorbell(SharedMemoryAddress peer)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed != 0, this);
            if (!_peerDoorbells.TryGetValue(peer.Instance, out (SharedSegment Segment, Doorbell Bell) entry))
            {
                SharedSegment segment = DoorbellSegment.Open(
                    SegmentNames.Doorbell(SegmentNames.Directory, peer.JobHash, peer.Endpoint, peer.Instance), peer);
                unsafe
                {
                    entry = (segment, new Doorbell(segment.Base));
                }
                _peerDoorbells[peer.Instance] = entry;
            }
            return entry.Bell;
        }
    }

    private static ulong NewInstanceId()
    {
        ulong id;
        do
        {
            id = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(sizeof(ulong)));
        }
        while (id == 0);
        return id;
    }
}
