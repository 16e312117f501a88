using System.Globalization;
using System.Net;
using Collectives.Transport.Tcp;

namespace Collectives.Transport.Rdma;

/// <summary>How the RDMA transport opens its fabric. Immutable; each default has its reason.</summary>
public sealed record RdmaTransportOptions
{
    /// <summary>The provider when the job names none: real RDMA NICs first (efa, verbs), then TCP; never shm (see <see cref="RdmaProviders"/>).</summary>
    public const string DefaultProvider = RdmaProviders.Auto;

    /// <summary>Smallest receive ring: room for two of the largest inline frames, so the ring path is never the narrower one.</summary>
    public const long MinRingBytes = 4L * RdmaTuning.InlinePayloadLimit;

    /// <summary>Largest receive ring: it is registered (pinned on real NICs) once per link.</summary>
    public const long MaxRingBytes = 1L << 30;

    public static RdmaTransportOptions Default { get; } = new();

    /// <summary>
    /// The default options for a host running <paramref name="localRanks"/> of the job's ranks on
    /// <paramref name="cores"/> cores: the longer receive spin when each rank has a core
    /// (<see cref="RdmaTuning.DedicatedCoreReceiveSpin"/>); the short one when they share, or when
    /// the count is unknown.
    /// </summary>
    public static RdmaTransportOptions ForLocalRanks(int? localRanks, int cores) =>
        localRanks <= cores ? new RdmaTransportOptions { ReceiveSpin = RdmaTuning.DedicatedCoreReceiveSpin } : Default;

    /// <summary>
    /// COLLECTIVES_RDMA_PROVIDER: verbs, efa, tcp, shm, auto, or any libfabric provider name
    /// ("udp;ofi_rxd"). See <see cref="RdmaProviders"/>.
    /// </summary>
    public string Provider { get; init; } = DefaultProvider;

    /// <summary>
    /// The device to open, by domain ("lo", "mlx5_0") or fabric ("10.0.0.0/24") name; null picks
    /// the device whose fabric holds <see cref="ControlAddress"/> (tcp) or the provider's first.
    /// </summary>
    public string? Domain { get; init; }

    /// <summary>
    /// The address the control connections bind and publish (TCP: the authenticated handshake,
    /// abort reasons, and noticing a peer process that died). The job's TCP address.
    /// </summary>
    public IPAddress ControlAddress { get; init; } = IPAddress.Loopback;

    /// <summary>Bytes of the receive ring each link exposes for one-sided writes; see <see cref="RdmaTuning.DefaultRingBytes"/>.</summary>
    public long RingBytes { get; init; } = RdmaTuning.DefaultRingBytes;

    /// <summary>
    /// How long a receive that finds no frame, or a send whose write is still in flight right
    /// after its post, polls the completion queue on the caller's thread before it parks and
    /// leaves the waiting to the progress thread. What completes within it is handed over on the
    /// caller's thread, with no wake-up of another (tens of microseconds each way); zero always
    /// parks. See <see cref="RdmaTuning.DefaultReceiveSpin"/>.
    /// </summary>
    public TimeSpan ReceiveSpin { get; init; } = RdmaTuning.DefaultReceiveSpin;

    /// <summary>
    /// Copy every large payload into the link's registered staging area before writing it, as
    /// providers that demand registered local buffers (verbs, efa) make the transport do; on
    /// tcp and shm it exercises that path in tests.
    /// </summary>
    public bool CopySendsThroughStaging { get; init; }

    /// <summary>The control connections' TCP options: one data socket is plenty, they carry a few hundred bytes per link.</summary>
    internal TcpTransportOptions ControlOptions => new() { BindAddress = ControlAddress, SocketsPerPeer = 1 };

    internal void Validate()
    {
        if (!RdmaProviders.IsWellFormed(Provider))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"RdmaTransportOptions.Provider '{Provider}' is not a provider name; use {RdmaProviders.Described}."), nameof(Provider));
        }
        if (RingBytes is < MinRingBytes or > MaxRingBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(RingBytes), RingBytes, string.Create(CultureInfo.InvariantCulture,
                $"RdmaTransportOptions.RingBytes must be between {MinRingBytes} and {MaxRingBytes}; it is {RingBytes}."));
        }
        if (ReceiveSpin < TimeSpan.Zero || ReceiveSpin > TimeSpan.FromSeconds(1))
        {
            throw new ArgumentOutOfRangeException(nameof(ReceiveSpin), ReceiveSpin, "RdmaTransportOptions.ReceiveSpin must be between 0 and 1 s.");
        }
        ControlOptions.Validate();
    }
}
