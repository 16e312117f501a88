namespace Collectives.Security;

/// <summary>
/// The acceptor's word on a handshake, so a rejected dialer learns why. Sent twice: before the
/// challenge (Accepted = "go on", or why the hello was refused) and after the dialer's proof. Wire values.
/// </summary>
public enum HandshakeVerdict : byte
{
    Accepted = 1,
    /// <summary>The dialer's proof did not verify: a different secret.</summary>
    BadProof = 2,
    /// <summary>The hello names another job or protocol version.</summary>
    WrongJob = 3,
    /// <summary>No one here expects a connection for the link the hello names.</summary>
    Unexpected = 4,
}
