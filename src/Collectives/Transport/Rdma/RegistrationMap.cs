using Collectives.Transport.Rdma.Native;

namespace Collectives.Transport.Rdma;

/// <summary>
/// The registration cache of one endpoint, keyed by address range: every buffer the transport
/// registered (receive rings, message slots, staging areas, rendezvous targets) and every open
/// placement window, so a send whose payload lies inside one (a frame forwarded straight out of a
/// receive ring, or a block of a ring all-gather forwarded out of the window it was placed in)
/// reuses that registration instead of copying or registering again.
/// <para>
/// Why the transport registers a caller's memory only for a placement window, and only for its
/// call: a caller's array can move unless pinned, and the views algorithms send from are
/// re-pointed at other arrays every call, so a registration kept past one call could name memory
/// that now belongs to someone else; and no hook tells us when native memory is freed. Providers
/// that accept unregistered local buffers (tcp, shm) write straight from the caller's memory,
/// pinned for the send only; those that demand registered ones (verbs, efa) have payloads outside
/// this map copied into the link's registered staging area, a copy the NIC's bandwidth dwarfs
/// less than a registration per send would.
/// </para>
/// </summary>
internal sealed unsafe class RegistrationMap
{
    private readonly object _gate = new();
    private Entry[] _entries = [];

    public int Count => Volatile.Read(ref _entries).Length;

    public void Add(RegisteredBuffer buffer) => Add(buffer.Pointer, buffer.Length, buffer.Region!);

    public void Remove(RegisteredBuffer buffer)
    {
        if (buffer.Region is { } region)
        {
            Remove(region);
        }
    }

    /// <summary>Adds [<paramref name="start"/>, +<paramref name="length"/>), registered as <paramref name="region"/>.</summary>
    public void Add(byte* start, long length, FabricMemoryRegionHandle region)
    {
        lock (_gate)
        {
            _entries = [.. _entries, new Entry((nint)start, length, region)];
        }
    }

    /// <summary>Removes the range registered as <paramref name="region"/>: before the region closes, so no send picks it up after.</summary>
    public void Remove(FabricMemoryRegionHandle region)
    {
        lock (_gate)
        {
            _entries = Array.FindAll(_entries, e => e.Region != region);
        }
    }

    /// <summary>The region covering [<paramref name="start"/>, +<paramref name="length"/>), or null when none does.</summary>
    public FabricMemoryRegionHandle? Find(byte* start, long length)
    {
        foreach (Entry entry in Volatile.Read(ref _entries))
        {
            if ((nint)start >= entry.Start && length >= 0 && length <= entry.Length - ((nint)start - entry.Start) && !entry.Region.IsClosed)
            {
                return entry.Region;
            }
        }
        return null;
    }

    private readonly record struct Entry(nint Start, long Length, FabricMemoryRegionHandle Region);
}
