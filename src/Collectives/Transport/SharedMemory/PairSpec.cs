namespace Collectives.Transport.SharedMemory;

/// <summary>Everything both ends of a link agree on before its segment exists.</summary>
internal sealed record PairSpec(
    string Path,
    byte[] Key,
    ulong JobHash,
    ulong CommunicatorId,
    int Low,
    int High,
    ulong LowInstance,
    ulong HighInstance,
    int LocalEndpoint,
    int PeerEndpoint,
    ProcessIdentity PeerProcess,
    TimeSpan Timeout);
