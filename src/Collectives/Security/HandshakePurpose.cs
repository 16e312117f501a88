namespace Collectives.Security;

/// <summary>What a connection is for; part of what the handshake authenticates. Wire values.</summary>
public enum HandshakePurpose : byte
{
    /// <summary>A data link between two ranks of a communicator.</summary>
    Link = 1,
    /// <summary>A client of the rendezvous store.</summary>
    Store = 2,
}
