namespace Collectives;

/// <summary>
/// A collective or point-to-point operation failed. The message always names the rank that
/// reports it, the peer involved (when there is one), the operation and its sequence number,
/// and says what to do. After this exception the communicator is broken: every later call
/// fails fast; create a new communicator (all ranks) to continue.
/// </summary>
public class CollectiveException : Exception
{
    public CollectiveException(string message, int rank, int? peer, string operation, long sequence, Exception? inner = null)
        : base(message, inner)
    {
        Rank = rank;
        Peer = peer;
        Operation = operation;
        Sequence = sequence;
    }

    /// <summary>The rank (in its communicator) that raised the error.</summary>
    public int Rank { get; }

    /// <summary>The peer rank the failing step talked to, or null when no single peer is to blame.</summary>
    public int? Peer { get; }

    /// <summary>The operation that failed, e.g. "AllReduce(float × 1024, Sum, ring)".</summary>
    public string Operation { get; }

    /// <summary>The operation's sequence number on this communicator (collectives count from 1).</summary>
    public long Sequence { get; }
}
