namespace Collectives;

/// <summary>
/// An operation did not finish before its deadline (<see cref="CommunicatorOptions.Timeout"/>).
/// The message names the ranks this rank was still waiting for.
/// </summary>
public sealed class CollectiveTimeoutException : CollectiveException
{
    public CollectiveTimeoutException(string message, int rank, int? peer, string operation, long sequence, TimeSpan timeout)
        : base(message, rank, peer, operation, sequence)
    {
        Timeout = timeout;
    }

    /// <summary>The deadline that passed.</summary>
    public TimeSpan Timeout { get; }
}
