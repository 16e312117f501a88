using System.Buffers;
using System.Runtime.InteropServices;

namespace Collectives.Buffers;

/// <summary>
/// Presents a caller's <see cref="Memory{T}"/> as <see cref="Memory{T}"/> of bytes without
/// copying, so algorithms and transports work in bytes whatever the element type. One instance
/// is reused per communicator, buffer role and element type, so a call allocates nothing.
/// </summary>
internal sealed class ByteView<T> : ByteViewBase
    where T : unmanaged
{
    private Memory<T> _source;
    private MemoryHandle _pin;
    private int _pinCount;

    /// <summary>Points the view at <paramref name="source"/> and returns it as bytes.</summary>
    public Memory<byte> Wrap(Memory<T> source)
    {
        _source = source;
        return Memory;
    }

    public override void Clear() => _source = default;

    public override Span<byte> GetSpan() => MemoryMarshal.AsBytes(_source.Span);

    public override unsafe MemoryHandle Pin(int elementIndex = 0)
    {
        lock (this)
        {
            if (_pinCount++ == 0)
            {
                _pin = _source.Pin();
            }
            return new MemoryHandle((byte*)_pin.Pointer + elementIndex, default, this);
        }
    }

    public override void Unpin()
    {
        lock (this)
        {
            if (--_pinCount == 0)
            {
                _pin.Dispose();
                _pin = default;
            }
        }
    }

    protected override void Dispose(bool disposing) => Clear();
}
