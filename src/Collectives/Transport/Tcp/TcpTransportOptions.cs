using System.Globalization;
using System.Net;

namespace Collectives.Transport.Tcp;

/// <summary>
/// How the TCP transport uses its sockets. Immutable; every number has a named default with the
/// reason for it. The two ends of a link agree on the socket count and the stripe threshold
/// through their address blobs (fewer sockets and the larger threshold win), so endpoints with
/// different options still talk.
/// </summary>
public sealed record TcpTransportOptions
{
    /// <summary>
    /// Connections per peer. Striping pays across hosts, where one flow rarely fills a NIC; on
    /// this 2-core loopback box one socket streamed 1 MiB frames as fast as two or four (the
    /// copies are CPU-bound either way), so the default keeps a second socket for frames above
    /// <see cref="DefaultStripeThreshold"/> only.
    /// </summary>
    public const int DefaultSocketsPerPeer = 2;

    /// <summary>Upper bound on <see cref="SocketsPerPeer"/>; also caps the channels a stranger's hello may name.</summary>
    public const int MaxSocketsPerPeer = 16;

    /// <summary>
    /// Frames with a larger payload are split over all sockets of the link; smaller ones travel
    /// whole on one. Set at the communicator's default chunk (1 MiB), which measured no faster
    /// striped on loopback: striping costs a wake-up per socket and splits the copy across
    /// threads that compete for the same cores.
    /// </summary>
    public const int DefaultStripeThreshold = 1 << 20;

    /// <summary>
    /// How long a receive polls its socket before it hands the wait to the transport's poller
    /// thread. A peer that is also polling answers a small message well within this; the handed-off
    /// wait costs two thread hops (~15-30 µs here), most of an 8-byte all-reduce. A link whose
    /// waits run far longer (a busy or descheduled peer, oversubscribed cores) polls less for its
    /// next frames, down to none, and back up once frames come quickly again.
    /// </summary>
    public static readonly TimeSpan DefaultReceiveSpin = TimeSpan.FromMicroseconds(50);

    /// <summary>
    /// Idle time before keepalive probes start: a link idle between training steps must still
    /// notice a peer host that vanished, without flooding the network with probes.
    /// </summary>
    public static readonly TimeSpan DefaultKeepAliveIdle = TimeSpan.FromSeconds(3);

    /// <summary>Time between keepalive probes once they started.</summary>
    public static readonly TimeSpan DefaultKeepAliveInterval = TimeSpan.FromSeconds(1);

    /// <summary>Unanswered probes before the kernel declares the peer dead (idle + 5 × 1 s ≈ 8 s).</summary>
    public const int DefaultKeepAliveProbes = 5;

    /// <summary>
    /// TCP_USER_TIMEOUT (Linux): data unacknowledged for this long fails the connection, so a
    /// peer host that died mid-transfer is noticed in seconds instead of the kernel's ~15 minutes
    /// of retransmissions. A live peer acknowledges even when its application is slow, but a
    /// congested link (16 flows behind one rate-limited port, say) drops segments and the
    /// retransmission timer backs off (0.2, 0.4, ... 6.4 s): the limit leaves room for six
    /// back-offs of one segment, where 10 s left room for five.
    /// </summary>
    public static readonly TimeSpan DefaultUserTimeout = TimeSpan.FromSeconds(30);

    public static TcpTransportOptions Default { get; } = new();

    /// <summary>
    /// The only address the transport listens on and dials from, and the one it publishes.
    /// Loopback by default, so a one-host job is reachable only from this host; a multi-host job
    /// passes the address of the interface its peers reach. A wildcard address is refused:
    /// peers could not dial it, and it would listen on every interface.
    /// </summary>
    public IPAddress BindAddress { get; init; } = IPAddress.Loopback;

    /// <summary>Connections per peer for striping large frames; see <see cref="DefaultSocketsPerPeer"/>.</summary>
    public int SocketsPerPeer { get; init; } = DefaultSocketsPerPeer;

    /// <summary>Payload size above which a frame is striped over every socket; see <see cref="DefaultStripeThreshold"/>.</summary>
    public int StripeThreshold { get; init; } = DefaultStripeThreshold;

    /// <summary>SO_SNDBUF in bytes, or 0 for the kernel's autotuning (best on Linux; a fixed size turns it off).</summary>
    public int SendBufferSize { get; init; }

    /// <summary>SO_RCVBUF in bytes, or 0 for the kernel's autotuning.</summary>
    public int ReceiveBufferSize { get; init; }

    /// <summary>How long a receive polls before waiting asynchronously; zero never polls. See <see cref="DefaultReceiveSpin"/>.</summary>
    public TimeSpan ReceiveSpin { get; init; } = DefaultReceiveSpin;

    public TimeSpan KeepAliveIdle { get; init; } = DefaultKeepAliveIdle;

    public TimeSpan KeepAliveInterval { get; init; } = DefaultKeepAliveInterval;

    public int KeepAliveProbes { get; init; } = DefaultKeepAliveProbes;

    /// <summary>TCP_USER_TIMEOUT on Linux; zero leaves the kernel default. See <see cref="DefaultUserTimeout"/>.</summary>
    public TimeSpan UserTimeout { get; init; } = DefaultUserTimeout;

    /// <summary>Checks every value; the message says what is allowed.</summary>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(BindAddress, nameof(BindAddress));
        if (BindAddress.Equals(IPAddress.Any) || BindAddress.Equals(IPAddress.IPv6Any) ||
            BindAddress.Equals(IPAddress.None) || BindAddress.Equals(IPAddress.IPv6None))
        {
            throw new ArgumentException(
                $"TcpTransportOptions.BindAddress {BindAddress} is a wildcard; give the address of the interface peers reach " +
                "(loopback for a one-host job).", nameof(BindAddress));
        }
        if (BindAddress.AddressFamily is not (System.Net.Sockets.AddressFamily.InterNetwork or System.Net.Sockets.AddressFamily.InterNetworkV6))
        {
            throw new ArgumentException($"TcpTransportOptions.BindAddress {BindAddress} is neither IPv4 nor IPv6.", nameof(BindAddress));
        }
        Check(SocketsPerPeer is >= 1 and <= MaxSocketsPerPeer, nameof(SocketsPerPeer), SocketsPerPeer, $"between 1 and {MaxSocketsPerPeer}");
        Check(StripeThreshold >= 0, nameof(StripeThreshold), StripeThreshold, "at least 0");
        Check(SendBufferSize >= 0, nameof(SendBufferSize), SendBufferSize, "0 (autotuning) or a size in bytes");
        Check(ReceiveBufferSize >= 0, nameof(ReceiveBufferSize), ReceiveBufferSize, "0 (autotuning) or a size in bytes");
        Check(ReceiveSpin >= TimeSpan.Zero && ReceiveSpin <= TimeSpan.FromSeconds(1), nameof(ReceiveSpin), ReceiveSpin, "between 0 and 1 s");
        Check(KeepAliveIdle >= TimeSpan.FromSeconds(1) && KeepAliveIdle <= TimeSpan.FromHours(1), nameof(KeepAliveIdle), KeepAliveIdle,
            "between 1 s and 1 h (the kernel counts whole seconds)");
        Check(KeepAliveInterval >= TimeSpan.FromSeconds(1) && KeepAliveInterval <= TimeSpan.FromHours(1), nameof(KeepAliveInterval),
            KeepAliveInterval, "between 1 s and 1 h");
        Check(KeepAliveProbes is >= 1 and <= 127, nameof(KeepAliveProbes), KeepAliveProbes, "between 1 and 127");
        Check(UserTimeout >= TimeSpan.Zero && UserTimeout <= TimeSpan.FromHours(1), nameof(UserTimeout), UserTimeout,
            "between 0 (kernel default) and 1 h");
    }

    private static void Check(bool valid, string name, object value, string allowed)
    {
        if (!valid)
        {
            throw new ArgumentOutOfRangeException(name, value,
                string.Create(CultureInfo.InvariantCulture, $"TcpTransportOptions.{name} must be {allowed}; it is {value}."));
        }
    }
}
