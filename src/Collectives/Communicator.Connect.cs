using System.Globalization;
using System.Net;
using Collectives.Bootstrap;
using Collectives.Connection;
using Collectives.Security;
using Collectives.Selection;
using Collectives.Topology;
using Collectives.Transport;

namespace Collectives;

// Multi-process start-up: every rank opens its transports, publishes their addresses through the
// rendezvous store, reads everyone else's, and connects to every peer directly. The store is
// off the data path: it is closed once the links stand.
public sealed partial class Communicator
{
    /// <summary>
    /// Connects this process to the other ranks of its job as launched under our launcher,
    /// mpirun, torchrun --no_python or Slurm: reads the environment (see DESIGN.md), then
    /// <see cref="ConnectAsync"/>. A missing or contradictory variable is a
    /// <see cref="JobEnvironmentException"/> that lists what was found and what is needed.
    /// </summary>
    public static Task<Communicator> FromEnvironmentAsync(CancellationToken cancellationToken = default)
    {
        JobLaunchInfo job = JobEnvironment.FromProcess();
        var options = new CommunicatorOptions
        {
            Job = job,
            Algorithm = job.Algorithm,
            Timeout = job.Timeout ?? CommunicatorOptions.DefaultTimeout,
            CostProfile = CostProfileLoader.Load(job.TuneFile),
            Channels = job.Channels ?? 1,
            // Read before connecting, so a bad file fails at once and names itself.
            Topology = TopologyFile.ForJob(job),
        };
        return ConnectAsync(options, cancellationToken);
    }

    /// <summary>
    /// Connects this process to the other ranks of the job <see cref="CommunicatorOptions.Job"/>
    /// describes. Every rank calls it; it returns once this rank has a link to every other.
    /// Pairs on one host use shared memory, others RDMA where a NIC offers it, else TCP, unless the job forces transports.
    /// </summary>
    public static async Task<Communicator> ConnectAsync(CommunicatorOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        JobLaunchInfo job = options.Job ?? throw new ArgumentException(
            "ConnectAsync needs CommunicatorOptions.Job (rank, size, rendezvous address, job id); under a launcher use " +
            "FromEnvironmentAsync, or build one with JobEnvironment.Parse.", nameof(options));
        AlgorithmOverrides overrides = options.Validate();
        job = job with { Circuits = options.Circuits ?? job.Circuits };
        // The communicator reports the circuits it runs under, whichever way they were given.
        options = options with { Circuits = job.Circuits };
        var credentials = JobCredentials.Create(job.JobId, job.Secret);
        Action<string> log = options.Log ?? (message => Console.Error.WriteLine(message));
        if (!credentials.IsAuthenticated && job.Rank == 0 && job.Size > 1)
        {
            log($"collectives: job '{job.JobId}' runs without COLLECTIVES_SECRET: connections are checked for the job id but not authenticated.");
        }
        if (job.Faults is { } faults && job.Rank == 0)
        {
            log($"collectives: {EnvironmentVariables.Faults}={faults} injects faults into this job's links (a test setting, never for real jobs).");
        }
        if (job.Circuits is { } circuits && job.Rank == 0)
        {
            log($"collectives: {EnvironmentVariables.Circuits}={circuits} paces this job's links by emulated optical circuits (a test and benchmark setting).");
        }
        string hostId = HostIdentity.Current(job.HostId);
        // Resolved once: the TCP transport binds it and the topology reports its interface.
        IPAddress tcpAddress = JobEnvironment.ResolveTcpAddress(job);
        List<ITransport> transports = TransportCatalog.Create(job.Transports ?? TransportCatalog.DefaultOrder(job), job,
            forced: job.Transports is not null, tcpAddress);
        var links = new IPeerLink?[job.Size];
        IPeerLink?[][] extraChannels = Enumerable.Range(1, options.Channels - 1).Select(_ => new IPeerLink?[job.Size]).ToArray();
        try
        {
            var endpoint = new TransportEndpoint(credentials, job.Rank, job.Size, hostId, options.Timeout);
            var published = new List<(string, byte[])>();
            foreach (ITransport transport in transports)
            {
                published.Add((transport.Name, await transport.StartAsync(endpoint, cancellationToken).ConfigureAwait(false)));
            }
            EndpointAddress[] addresses;
            await using (IRendezvousStore store = await RendezvousStore.OpenAsync(job, credentials, log, cancellationToken).ConfigureAwait(false))
            {
                byte[][] blobs = await StoreExchange.AllGatherAsync(store, "collectives/address", job.Rank, job.Size,
                    new EndpointAddress(hostId, published).Encode(), cancellationToken).ConfigureAwait(false);
                addresses = blobs.Select((blob, rank) => EndpointAddress.TryDecode(blob, out EndpointAddress? address)
                    ? address!
                    : throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                        $"Rank {job.Rank}: rank {rank} published an address this version cannot read; are all ranks running the same Collectives version?")))
                    .ToArray();
                var provider = new TransportLinkProvider(transports, addresses);
                ulong id = credentials.JobHash;
                await Task.WhenAll(Enumerable.Range(0, job.Size).Where(peer => peer != job.Rank).Select(async peer =>
                {
                    try
                    {
                        links[peer] = await provider.ConnectAsync(new LinkKey(id, job.Rank, peer), cancellationToken).ConfigureAwait(false);
                        for (int channel = 1; channel < options.Channels; channel++)
                        {
                            extraChannels[channel - 1][peer] = await provider.ConnectAsync(
                                new LinkKey(ChannelId(id, channel), job.Rank, peer), cancellationToken).ConfigureAwait(false);
                        }
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        throw new PeerLostException(string.Create(CultureInfo.InvariantCulture,
                            $"Rank {job.Rank} could not connect to rank {peer} over {provider.TransportFor(peer)?.Name ?? "any transport"}: {e.Message}"),
                            job.Rank, peer, "Connect", 0, e);
                    }
                })).ConfigureAwait(false);
                // Every rank describes itself and its links; the exchange doubles as the barrier that
                // keeps anyone from leaving the store (rank 0 closes it) before every link stands.
                var row = new LinkClass[job.Size];
                for (int peer = 0; peer < job.Size; peer++)
                {
                    row[peer] = peer == job.Rank ? LinkClass.Self : LinkClassNames.FromTransportName(provider.TransportFor(peer)?.Name);
                }
                var self = new RankDescriptor(TopologyDetection.Detect(job, hostId, tcpAddress), row);
                byte[][] described = await StoreExchange.AllGatherAsync(store, "collectives/topology", job.Rank, job.Size,
                    self.Encode(), cancellationToken).ConfigureAwait(false);
                JobTopology topology = options.Topology ?? RankDescriptor.ToTopology(described.Select((blob, rank) =>
                    RankDescriptor.TryDecode(blob, out RankDescriptor? descriptor, out string error) && descriptor!.Placement.Rank == rank
                        ? descriptor
                        : throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                            $"Rank {job.Rank}: rank {rank} published a topology description this version cannot read ({error}); are all ranks running the same Collectives version?")))
                    .ToArray());
                if (topology.Size != job.Size)
                {
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                        $"Rank {job.Rank}: the topology given describes {topology.Size} ranks but the job has {job.Size}."), nameof(options));
                }
                return new Communicator(job.Rank, job.Size, links, id, Enumerable.Range(0, job.Size).ToArray(), job.Size, options, overrides, provider,
                    topology, owned: transports, transportOf: peer => provider.TransportFor(peer)?.Name, extraChannels: extraChannels);
            }
        }
        catch
        {
            foreach (IPeerLink? link in links.Concat(extraChannels.SelectMany(channel => channel)))
            {
                if (link is not null)
                {
                    await link.DisposeAsync().ConfigureAwait(false);
                }
            }
            foreach (ITransport transport in transports)
            {
                await transport.DisposeAsync().ConfigureAwait(false);
            }
            throw;
        }
    }

    /// <summary>The transport the link to <paramref name="peer"/> runs on ("shm", "tcp", "inprocess"), or null for this rank itself.</summary>
    public string? TransportTo(int peer)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(peer);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(peer, Size);
        return peer == Rank ? null : _transportOf(peer);
    }
}
