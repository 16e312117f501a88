using System.Net;
using Collectives.Bootstrap;
using Collectives.Transport;
using Collectives.Transport.Circuits;
using Collectives.Transport.Faults;
using Collectives.Transport.Rdma;
using Collectives.Transport.SharedMemory;
using Collectives.Transport.Tcp;

namespace Collectives.Connection;

/// <summary>
/// The transports a multi-process job can run, by name, in priority order: shared memory within
/// a host first, then RDMA where a real RDMA NIC is offered, TCP for everything else. The one
/// place that names concrete transports for <see cref="Communicator.ConnectAsync"/> (the
/// composition root inside the library).
/// </summary>
internal static class TransportCatalog
{
    /// <summary>Every transport a job may name in COLLECTIVES_TRANSPORTS.</summary>
    public static IReadOnlyList<string> Known { get; } = [SharedMemoryTransport.TransportName, RdmaTransport.TransportName, TcpTransport.TransportName];

    /// <summary>
    /// Priority order when the job does not say (COLLECTIVES_TRANSPORTS). RDMA joins only when its
    /// probe finds a real NIC (verbs, efa) for the job's provider: over libfabric's tcp or shm
    /// providers it is slower than our own TCP and shared-memory transports, so it runs there only
    /// when asked for (COLLECTIVES_TRANSPORTS=rdma, --transport rdma).
    /// </summary>
    public static IReadOnlyList<string> DefaultOrder(JobLaunchInfo job) =>
        RdmaAvailability.Of(job.RdmaProvider ?? RdmaTransportOptions.DefaultProvider) is { IsAvailable: true, IsHardware: true }
            ? [SharedMemoryTransport.TransportName, RdmaTransport.TransportName, TcpTransport.TransportName]
            : [SharedMemoryTransport.TransportName, TcpTransport.TransportName];

    /// <summary>Creates the transports <paramref name="names"/> asks for; unknown or unavailable ones are errors that list the choices.</summary>
    /// <param name="tcpAddress">The address the TCP transport binds and publishes (<see cref="JobEnvironment.ResolveTcpAddress"/>, resolved once by the caller).</param>
    public static List<ITransport> Create(IReadOnlyList<string> names, JobLaunchInfo job, bool forced, IPAddress tcpAddress)
    {
        var transports = new List<ITransport>();
        foreach (string name in names)
        {
            switch (name.Trim().ToLowerInvariant())
            {
                case SharedMemoryTransport.TransportName:
                    if (SharedMemoryTransport.UnavailableReason is { } reason)
                    {
                        if (forced)
                        {
                            throw new InvalidOperationException($"Transport 'shm' was asked for but is unavailable: {reason}.");
                        }
                        continue; // not forced: TCP serves instead
                    }
                    transports.Add(new SharedMemoryTransport(SharedMemoryTransportOptions.ForLocalRanks(job.LocalSize, Environment.ProcessorCount)));
                    break;
                case TcpTransport.TransportName:
                    transports.Add(new TcpTransport(new TcpTransportOptions { BindAddress = tcpAddress }));
                    break;
                case RdmaTransport.TransportName:
                    string provider = job.RdmaProvider ?? RdmaTransportOptions.DefaultProvider;
                    if (!RdmaAvailability.Of(provider).IsAvailable)
                    {
                        if (forced)
                        {
                            throw new InvalidOperationException(
                                $"Rank {job.Rank}: transport 'rdma' was asked for but is {RdmaAvailability.Of(provider)} ({EnvironmentVariables.RdmaProvider}={provider}).");
                        }
                        continue; // not forced: the next transport serves instead
                    }
                    transports.Add(new RdmaTransport(RdmaTransportOptions.ForLocalRanks(job.LocalSize, Environment.ProcessorCount) with
                    {
                        Provider = provider,
                        ControlAddress = tcpAddress,
                    }));
                    break;
                default:
                    throw new ArgumentException(
                        $"Unknown transport '{name}' in COLLECTIVES_TRANSPORTS; known transports: {string.Join(", ", Known)}.");
            }
        }
        if (transports.Count == 0)
        {
            throw new ArgumentException("No transport to run: COLLECTIVES_TRANSPORTS names none that is available here.");
        }
        // Faults (COLLECTIVES_FAULTS) wrap every transport the same way, so tests see each one's own behaviour underneath.
        if (job.Faults is { } faults)
        {
            transports = transports.Select(ITransport (t) => new LinkDecoratingTransport(t, (link, key) => FaultInjectingLink.Wrap(link, key, faults))).ToList();
        }
        // Circuits (COLLECTIVES_CIRCUITS) pace whatever carries the frames, faults included; one emulation, so a node's circuits are one.
        if (job.Circuits is { } circuits)
        {
            var emulation = new CircuitEmulation(circuits, job.Size);
            transports = transports.Select(ITransport (t) => new LinkDecoratingTransport(t, emulation.Wrap)).ToList();
        }
        return transports;
    }
}
