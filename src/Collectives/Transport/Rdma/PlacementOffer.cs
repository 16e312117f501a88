using System.Buffers;
using Collectives.Transport.Rdma.Native;

namespace Collectives.Transport.Rdma;

/// <summary>
/// A placement window this end offered (<see cref="IPlacedReceive"/>): the caller's memory,
/// pinned and registered for the peer's writes, and what the peer was told about it.
/// </summary>
internal sealed unsafe class PlacementOffer
{
    private readonly RegistrationMap _map;
    private readonly FabricMemoryRegionHandle _registration;
    private MemoryHandle _pin;

    /// <summary>Also enters the window in <paramref name="map"/>: blocks forwarded out of it need no staging copy.</summary>
    public PlacementOffer(PlacementAnnouncement announcement, Memory<byte> region, MemoryHandle pin, FabricMemoryRegionHandle registration,
        RegistrationMap map)
    {
        Announcement = announcement;
        Region = region;
        _pin = pin;
        _registration = registration;
        _map = map;
        map.Add((byte*)pin.Pointer, region.Length, registration);
    }

    public PlacementAnnouncement Announcement { get; }

    public Memory<byte> Region { get; }

    /// <summary>Whether the announcement was posted: from then on the peer may write here.</summary>
    public bool Announced { get; set; }

    /// <summary>The payload of a placed frame at header <paramref name="offset"/>: the window's own memory.</summary>
    public ReadOnlyMemory<byte> Slice(long offset, int length) => Region.Slice((int)(offset - Announcement.Offset), length);

    /// <summary>Withdraws the peer's permission, then unpins: for a window no write can still reach.</summary>
    public void Release()
    {
        _map.Remove(_registration);
        _registration.Dispose();
        _pin.Dispose();
    }

    /// <summary>
    /// Withdraws the permission but keeps the memory pinned for the rest of the process: over
    /// providers whose sender copies straight into this process (shm's cross-memory attach), a
    /// write already under way lands whatever the registration says, and must land in memory
    /// that has not moved.
    /// </summary>
    public void Abandon()
    {
        _map.Remove(_registration);
        _registration.Dispose();
        AbandonedPlacements.Keep(_pin);
        _pin = default;
    }
}
