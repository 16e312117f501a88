using Collectives.Kernels;

namespace Collectives.Buffers;

/// <summary>The reusable <see cref="ByteView{T}"/>s of one communicator: one per role and element type.</summary>
internal sealed class ByteViews
{
    /// <summary>The roles a call's buffers play.</summary>
    public enum Role { Input = 0, Output = 1 }

    private const int TypeSlots = 16;
    private readonly ByteViewBase?[] _views = new ByteViewBase?[2 * TypeSlots];

    /// <summary>Bit i set: view i was wrapped around a caller's buffer since the last <see cref="ClearAll"/>.</summary>
    private uint _wrapped;

    public ByteView<T> For<T>(Role role)
        where T : unmanaged
    {
        int index = ((int)role * TypeSlots) + (int)DataTypes.Of<T>();
        _wrapped |= 1u << index;
        return (ByteView<T>)(_views[index] ??= new ByteView<T>());
    }

    /// <summary>Lets go of every caller buffer the views of the last call pointed at.</summary>
    public void ClearAll()
    {
        uint wrapped = _wrapped;
        _wrapped = 0;
        while (wrapped != 0)
        {
            int index = System.Numerics.BitOperations.TrailingZeroCount(wrapped);
            wrapped &= wrapped - 1;
            _views[index]?.Clear();
        }
    }
}
