using Collectives.Security;

namespace Collectives.Transport;

/// <summary>Who this process is in its job, as a transport needs to know it.</summary>
/// <param name="Credentials">Job id and key for the connection handshake.</param>
/// <param name="Endpoint">This process's job-wide rank.</param>
/// <param name="EndpointCount">Number of processes (ranks) in the job.</param>
/// <param name="HostId">This host's identity (DESIGN.md): equal on two endpoints exactly when they share a host.</param>
/// <param name="ConnectTimeout">How long a connection attempt may wait for its peer.</param>
public sealed record TransportEndpoint(
    JobCredentials Credentials,
    int Endpoint,
    int EndpointCount,
    string HostId,
    TimeSpan ConnectTimeout);
