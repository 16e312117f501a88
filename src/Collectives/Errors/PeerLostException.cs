namespace Collectives;

/// <summary>
/// A peer went away in the middle of an operation: it closed or aborted its communicator, or
/// its process or connection died. Rebuild the communicator on all surviving ranks.
/// </summary>
public sealed class PeerLostException : CollectiveException
{
    public PeerLostException(string message, int rank, int? peer, string operation, long sequence, Exception? inner = null)
        : base(message, rank, peer, operation, sequence, inner)
    {
    }
}
