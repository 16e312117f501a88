namespace Collectives.Transport;

/// <summary>
/// Why a link was aborted, as the first rank to fail described it. It travels to the peer so
/// every rank can report the original cause rather than a secondary "connection lost".
/// </summary>
/// <param name="Code">The kind of failure.</param>
/// <param name="OriginRank">The rank that first failed, in the communicator that owns the link.</param>
/// <param name="Message">The full message the origin rank reported.</param>
public sealed record AbortReason(AbortCode Code, int OriginRank, string Message);
