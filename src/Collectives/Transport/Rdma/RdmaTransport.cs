using System.Globalization;
using System.Net;
using Collectives.Transport.Rdma.Native;
using Collectives.Transport.Tcp;

namespace Collectives.Transport.Rdma;

/// <summary>
/// Links between processes through libfabric (DESIGN.md, transports): InfiniBand and RoCE
/// through verbs, AWS EFA through efa, and here the same code over the tcp and shm providers.
/// Small frames travel as tagged messages into receives posted in advance; large payloads go by
/// one-sided RMA write into a ring the receiver exposes; one progress thread polls the
/// endpoint's completion queue for every link (see <see cref="RdmaPeerLink"/>).
/// <para>
/// Each link also has a control connection, an authenticated TCP link made by an inner
/// <see cref="TcpTransport"/> bound to the job's address: the mutual HMAC handshake proves the
/// peer holds the job key before it learns where to write, the link hello travels on it, and
/// its closing tells this end at once that the peer process died, which the fabric may not.
/// The address blob carries the fabric (provider, fabric name, endpoint address) and the control
/// connection's address; two endpoints can connect when they share the fabric and a host-local
/// fabric (shm, loopback) only within one host.
/// </para>
/// </summary>
public sealed class RdmaTransport : ITransport
{
    /// <summary>The name in options, COLLECTIVES_TRANSPORTS and messages.</summary>
    public const string TransportName = "rdma";

    private readonly RdmaTransportOptions _options;
    private readonly TcpTransport _control;
    private readonly object _gate = new();
    private readonly HashSet<RdmaPeerLink> _links = [];
    private TransportEndpoint? _job;
    private RdmaEndpoint? _endpoint;
    private RdmaAddress? _self;
    private bool _disposed;

    public RdmaTransport(RdmaTransportOptions? options = null)
    {
        _options = options ?? RdmaTransportOptions.Default;
        _options.Validate();
        _control = new TcpTransport(_options.ControlOptions);
    }

    public string Name => TransportName;

    /// <summary>The device the transport opened ("provider tcp;ofi_rxm, fabric 127.0.0.1/32, domain lo"), once started.</summary>
    public string? Device => _endpoint?.Device.ToString();

    /// <summary>Internal view for tests: the fabric side.</summary>
    internal RdmaEndpoint? Endpoint => _endpoint;

    public async ValueTask<byte[]> StartAsync(TransportEndpoint endpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        cancellationToken.ThrowIfCancellationRequested();
        if (FabricLibrary.UnavailableReason is { } unavailable)
        {
            throw new PlatformNotSupportedException(string.Create(CultureInfo.InvariantCulture,
                $"Rank {endpoint.Endpoint}: the rdma transport is unavailable: {unavailable}; use tcp or shm."));
        }
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_job is not null)
            {
                throw new InvalidOperationException("The rdma transport was started already.");
            }
            _job = endpoint;
        }
        string provider = _options.Provider;
        FabricContext context;
        try
        {
            context = FabricContext.Open(provider, _options.Domain ?? ChooseDevice(provider, _options.ControlAddress), RdmaTuning.PostAttempt);
        }
        catch (FabricException e)
        {
            throw new IOException(string.Create(CultureInfo.InvariantCulture,
                $"Rank {endpoint.Endpoint} could not open RDMA provider '{provider}': {e.FabricText}. " +
                $"COLLECTIVES_RDMA_PROVIDER takes {RdmaProviders.Described}; `fi_info -l` lists what this machine has."), e);
        }
        if (RdmaAvailability.Lacks(context.Device) is { } lack)
        {
            context.Dispose();
            throw new PlatformNotSupportedException(string.Create(CultureInfo.InvariantCulture,
                $"Rank {endpoint.Endpoint}: RDMA provider '{provider}' ({context.Device}) cannot carry the rdma transport: {lack}."));
        }
        RdmaEndpoint fabric;
        try
        {
            fabric = new RdmaEndpoint(context, endpoint.Endpoint, _options);
        }
        catch (FabricException e)
        {
            context.Dispose();
            throw new IOException(string.Create(CultureInfo.InvariantCulture,
                $"Rank {endpoint.Endpoint} could not open an endpoint on {context.Device}: {e.FabricText}"), e);
        }
        byte[] control;
        try
        {
            control = await _control.StartAsync(endpoint, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            fabric.Dispose();
            throw;
        }
        FabricDevice device = fabric.Device;
        bool hostLocal = device.Provider == "shm" || device.Fabric.StartsWith("127.", StringComparison.Ordinal) || device.Fabric == "::1/128";
        _self = new RdmaAddress(endpoint.HostId, hostLocal, device.Provider, device.Fabric, fabric.Address, control);
        _endpoint = fabric;
        return _self.Encode();
    }

    public bool CanConnect(ReadOnlySpan<byte> peerAddress) =>
        _self is { } self && RdmaAddress.TryDecode(peerAddress, out RdmaAddress? peer) && self.SharesFabricWith(peer!) &&
        _control.CanConnect(peer!.ControlAddress);

    public async ValueTask<IPeerLink> ConnectAsync(LinkKey key, ReadOnlyMemory<byte> peerAddress, CancellationToken cancellationToken)
    {
        TransportEndpoint job = _job ?? throw new InvalidOperationException("Start the rdma transport before connecting links.");
        RdmaEndpoint endpoint = _endpoint ?? throw new InvalidOperationException("Start the rdma transport before connecting links.");
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (key.LocalEndpoint != job.Endpoint || key.PeerEndpoint == key.LocalEndpoint || key.PeerEndpoint < 0 || key.PeerEndpoint >= job.EndpointCount)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"This rdma transport is endpoint {job.Endpoint} of {job.EndpointCount}; it cannot make link {key}."), nameof(key));
        }
        if (!RdmaAddress.TryDecode(peerAddress.Span, out RdmaAddress? peer))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Endpoint {key.PeerEndpoint}'s rdma address is malformed."), nameof(peerAddress));
        }
        if (!CanConnect(peerAddress.Span))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Endpoint {key.LocalEndpoint} ({_self!.Provider}, fabric {_self.Fabric}, host {_self.HostId}) cannot reach endpoint " +
                $"{key.PeerEndpoint} ({peer!.Provider}, fabric {peer.Fabric}, host {peer.HostId}) over rdma: both need the same provider and fabric."),
                nameof(peerAddress));
        }
        IPeerLink control = await _control.ConnectAsync(key, peer!.ControlAddress, cancellationToken).ConfigureAwait(false);
        RdmaPeerLink link = await RdmaPeerLink.ConnectAsync(endpoint, key, control, peer, job.ConnectTimeout, cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            if (!_disposed)
            {
                _links.Add(link);
                return link;
            }
        }
        await link.DisposeAsync().ConfigureAwait(false);
        throw new ObjectDisposedException(nameof(RdmaTransport), "The rdma transport was disposed while the link was being connected.");
    }

    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
        }
        await CloseLinksAsync().ConfigureAwait(false);
        await _control.DisposeAsync().ConfigureAwait(false);
        _endpoint?.Dispose();
    }

    /// <summary>
    /// Closes every link and lets their teardown finish while the endpoint still runs (receives
    /// come back cancelled, sends in flight complete, memory is freed once nothing uses it),
    /// for at most <see cref="RdmaTuning.LinkDrainTimeout"/>. Closing the endpoint first would
    /// leave providers holding buffers mid-operation; in one process the shm provider even reads
    /// a closed peer endpoint's memory, so tests close every transport's links before any endpoint.
    /// </summary>
    internal async Task CloseLinksAsync()
    {
        List<RdmaPeerLink> links;
        lock (_gate)
        {
            links = [.. _links];
            _links.Clear();
        }
        foreach (RdmaPeerLink link in links)
        {
            await link.DisposeAsync().ConfigureAwait(false);
        }
        long deadline = Environment.TickCount64 + (long)RdmaTuning.LinkDrainTimeout.TotalMilliseconds;
        while (_endpoint is { } endpoint && endpoint.Links.Count > 0 && Environment.TickCount64 < deadline)
        {
            await Task.Delay(1).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The device to open: a real NIC's provider takes its first device; a tcp provider the one
    /// whose fabric (a subnet) holds the control address, so a job on emulated hosts uses their
    /// network and a one-host job loopback. Null lets the shim take the first.
    /// </summary>
    private static string? ChooseDevice(string provider, IPAddress controlAddress)
    {
        IReadOnlyList<FabricDevice> devices;
        try
        {
            devices = FabricContext.ListDevices(provider);
        }
        catch (FabricException)
        {
            return null; // opening fails next with the same text, and says so
        }
        if (devices.Count == 0 || devices[0].IsHardware)
        {
            return null;
        }
        foreach (FabricDevice device in devices)
        {
            if (IPNetwork.TryParse(device.Fabric, out IPNetwork network) && network.Contains(controlAddress))
            {
                return device.Fabric;
            }
        }
        return null;
    }
}
