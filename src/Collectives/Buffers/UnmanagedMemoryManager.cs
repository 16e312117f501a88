using System.Buffers;

namespace Collectives;

/// <summary>
/// Presents native memory (a tensor's buffer from a native allocator, a mapped file) as
/// <see cref="Memory{T}"/>, so it goes into collectives without a copy. The memory must stay
/// allocated, and is not owned: disposing this manager does not free it.
/// </summary>
public sealed unsafe class UnmanagedMemoryManager<T> : MemoryManager<T>
    where T : unmanaged
{
    private readonly T* _pointer;
    private readonly int _length;

    /// <param name="pointer">Start of the buffer, aligned for <typeparamref name="T"/>.</param>
    /// <param name="length">Number of elements.</param>
    public UnmanagedMemoryManager(T* pointer, int length)
    {
        if (pointer == null && length != 0)
        {
            throw new ArgumentNullException(nameof(pointer), "A non-empty buffer needs a pointer.");
        }
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        _pointer = pointer;
        _length = length;
    }

    /// <inheritdoc cref="UnmanagedMemoryManager{T}(T*, int)"/>
    public UnmanagedMemoryManager(nint pointer, int length)
        : this((T*)pointer, length)
    {
    }

    public override Span<T> GetSpan() => new(_pointer, _length);

    /// <summary>Native memory never moves, so pinning only hands out the address.</summary>
    public override MemoryHandle Pin(int elementIndex = 0)
    {
        if ((uint)elementIndex > (uint)_length)
        {
            throw new ArgumentOutOfRangeException(nameof(elementIndex));
        }
        return new MemoryHandle(_pointer + elementIndex);
    }

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
    }
}
