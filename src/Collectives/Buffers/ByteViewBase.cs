using System.Buffers;

namespace Collectives.Buffers;

/// <summary>
/// What <see cref="ByteViews"/> needs of a <see cref="ByteView{T}"/> whatever its element type:
/// forgetting the caller's memory after a call, through a virtual call rather than an interface
/// cast (the cast cost more than the rest of a one-rank call).
/// </summary>
internal abstract class ByteViewBase : MemoryManager<byte>
{
    /// <summary>Drops the reference to the caller's memory once the call is over.</summary>
    public abstract void Clear();
}
