namespace Collectives.Transport;

/// <summary>
/// Which link to make: between two endpoints (job-wide rank numbers) for one communicator.
/// Links are never shared between communicators, so frames of a parent and a split child
/// cannot interleave.
/// </summary>
public readonly record struct LinkKey(ulong CommunicatorId, int LocalEndpoint, int PeerEndpoint);
