namespace Collectives.Transport;

/// <summary>Limits every transport honours, so algorithms can chunk the same way over any link.</summary>
public static class TransportLimits
{
    /// <summary>
    /// Largest frame payload every transport must carry, and so the largest chunk a
    /// communicator may use. Large enough that per-frame costs vanish; small enough that a
    /// shared-memory ring holds several frames in flight.
    /// </summary>
    public const int MaxFramePayload = 4 << 20;
}
