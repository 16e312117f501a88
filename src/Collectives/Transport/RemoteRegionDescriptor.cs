namespace Collectives.Transport;

/// <summary>
/// Names memory a peer exposed for one-sided writes: what the writer needs, and nothing that
/// lets it touch anything else. Transports define what Address and Key mean (an RDMA virtual
/// address and remote key; an in-process registry slot).
/// </summary>
public readonly record struct RemoteRegionDescriptor(ulong Address, ulong Key, long Length);
