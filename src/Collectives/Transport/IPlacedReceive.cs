namespace Collectives.Transport;

/// <summary>
/// Feature interface of links whose sender can write a frame's payload straight into the
/// receiver's own memory (an RDMA write into the caller's buffer), so the receive copies
/// nothing. The receiver offers a window over memory that frames of one call will fill; the
/// sender uses it for frames whose offsets fall inside, and the ordinary path for the rest (and
/// for all frames when the offer reaches it late), so correctness never depends on the offer.
/// A frame that was placed is lent with its payload being the window's memory itself.
/// <para>
/// The caller must make sure nothing else writes or still reads the window's bytes while frames
/// may land there: placed bytes land as soon as the sender writes them, before the receive that
/// takes the frame. A ring all-gather offers its output, where every block arrives exactly once
/// after this rank last used it.
/// </para>
/// </summary>
public interface IPlacedReceive
{
    /// <summary>
    /// Offers <paramref name="region"/> for the peer's frames of call <paramref name="sequence"/>
    /// in <paramref name="epoch"/> whose header offsets lie in [<paramref name="offset"/>,
    /// <paramref name="offset"/> + region length): the frame at offset o lands at region[o −
    /// offset]. Null when the link does not place into it (too small to be worth it, another
    /// window open). Close the window when the call ends.
    /// </summary>
    PlacementWindow? OfferPlacement(uint epoch, long sequence, long offset, Memory<byte> region);
}
