using Collectives.Transport.Rdma.Native;

namespace Collectives.Transport.Rdma;

/// <summary>
/// The registration cache of one endpoint, keyed by address range: every buffer the transport
/// registered (receive rings, message slots, staging areas, rendezvous targets), so a send whose
/// payload lies inside one (a frame forwarded straight out of a receive ring, say) reuses that
/// registration instead of copying or registering again.
/// <para>
/// Why the transport registers only its own memory, never a caller's: a caller's array can move
/// unless pinned, and the views algorithms send from are re-pointed at other arrays every call,
/// so a registration kept past one send could name memory that now belongs to someone else; and
/// no hook tells us when native memory is freed. Providers that accept unregistered local
/// buffers (tcp, shm) write straight from the caller's memory, pinned for the send only; those
/// that demand registered ones (verbs, efa) have payloads outside this map copied into the
/// link's registered staging area, a copy the NIC's bandwidth dwarfs less than a registration per
/// send would.
/// </para>
/// </summary>
internal sealed unsafe class RegistrationMap
{
    private readonly object _gate = new();
    private RegisteredBuffer[] _buffers = [];

    public int Count => Volatile.Read(ref _buffers).Length;

    public void Add(RegisteredBuffer buffer)
    {
        lock (_gate)
        {
            _buffers = [.. _buffers, buffer];
        }
    }

    public void Remove(RegisteredBuffer buffer)
    {
        lock (_gate)
        {
            _buffers = Array.FindAll(_buffers, b => b != buffer);
        }
    }

    /// <summary>The region covering [<paramref name="start"/>, +<paramref name="length"/>), or null when none does.</summary>
    public FabricMemoryRegionHandle? Find(byte* start, long length)
    {
        foreach (RegisteredBuffer buffer in Volatile.Read(ref _buffers))
        {
            if (buffer.Contains(start, length) && buffer.Region is { } region)
            {
                return region;
            }
        }
        return null;
    }
}
