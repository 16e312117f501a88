namespace Collectives;

/// <summary>
/// A connection (to a peer or to the rendezvous store) failed the mutual HMAC-SHA256
/// handshake: wrong secret, another job, another protocol version, or not a Collectives peer
/// at all. Check that every rank of the job has the same COLLECTIVES_SECRET and job id.
/// </summary>
public sealed class AuthenticationException : Exception
{
    public AuthenticationException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
