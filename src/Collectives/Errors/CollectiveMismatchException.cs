namespace Collectives;

/// <summary>
/// Two ranks made different calls at the same point: different collectives, counts, element
/// types, ops, roots or algorithms. Both calls are named; fix the program so every rank makes
/// the same sequence of calls with the same arguments.
/// </summary>
public sealed class CollectiveMismatchException : CollectiveException
{
    public CollectiveMismatchException(string message, int rank, int? peer, string operation, long sequence,
        string localCall, string remoteCall)
        : base(message, rank, peer, operation, sequence)
    {
        LocalCall = localCall;
        RemoteCall = remoteCall;
    }

    /// <summary>The call the detecting rank made, e.g. "AllReduce #5 (float × 1024, Sum, ring)".</summary>
    public string LocalCall { get; }

    /// <summary>The call the peer made, as its frame header described it.</summary>
    public string RemoteCall { get; }
}
