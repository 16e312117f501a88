using System.Net;
using Collectives.Bootstrap;
using Collectives.Transport;
using Collectives.Transport.Faults;
using Collectives.Transport.SharedMemory;
using Collectives.Transport.Tcp;

namespace Collectives.Connection;

/// <summary>
/// The transports a multi-process job can run, by name, in priority order: shared memory within
/// a host first, TCP for everything else. The one place that names concrete transports for
/// <see cref="Communicator.ConnectAsync"/> (the composition root inside the library).
/// </summary>
internal static class TransportCatalog
{
    /// <summary>Priority order when the job does not say (COLLECTIVES_TRANSPORTS).</summary>
    public static IReadOnlyList<string> DefaultOrder { get; } = [SharedMemoryTransport.TransportName, "tcp"];

    public static IReadOnlyList<string> Known => DefaultOrder;

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
                case "tcp":
                    transports.Add(new TcpTransport(new TcpTransportOptions { BindAddress = tcpAddress }));
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
        return job.Faults is { } faults
            ? transports.Select(ITransport (t) => new FaultInjectingTransport(t, faults)).ToList()
            : transports;
    }
}
