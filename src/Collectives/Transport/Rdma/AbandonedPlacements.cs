using System.Buffers;

namespace Collectives.Transport.Rdma;

/// <summary>
/// Pins of placement windows whose call failed while the peer may still have been writing into
/// them (<see cref="PlacementOffer.Abandon"/>), kept for the life of the process. A failed call
/// usually ends its communicator, so this holds a handful of buffers at most; leaking them is
/// the price of never letting a late write land in memory the garbage collector moved.
/// </summary>
internal static class AbandonedPlacements
{
    private static readonly List<MemoryHandle> Pins = [];

    /// <summary>How many windows are kept pinned (tests look).</summary>
    public static int Count
    {
        get
        {
            lock (Pins)
            {
                return Pins.Count;
            }
        }
    }

    public static void Keep(MemoryHandle pin)
    {
        lock (Pins)
        {
            Pins.Add(pin);
        }
    }
}
