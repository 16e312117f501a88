namespace Collectives.Transport;

/// <summary>
/// An operation on a link failed because the link was aborted, by this end or by the peer.
/// The communicator translates it into the matching <see cref="CollectiveException"/>.
/// </summary>
public sealed class LinkAbortedException : Exception
{
    public LinkAbortedException(AbortReason reason, bool raisedByPeer)
        : base((raisedByPeer ? "The peer aborted the link: " : "The link was aborted: ") + reason.Message)
    {
        Reason = reason;
        RaisedByPeer = raisedByPeer;
    }

    public AbortReason Reason { get; }

    /// <summary>True when the other end aborted; false when this end did.</summary>
    public bool RaisedByPeer { get; }
}
