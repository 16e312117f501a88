using Collectives.Kernels;

namespace Collectives.Buffers;

/// <summary>The reusable <see cref="ByteView{T}"/>s of one communicator: one per role and element type.</summary>
internal sealed class ByteViews
{
    /// <summary>The roles a call's buffers play.</summary>
    public enum Role { Input = 0, Output = 1 }

    private const int TypeSlots = 16;
    private readonly object?[] _views = new object?[2 * TypeSlots];

    public ByteView<T> For<T>(Role role)
        where T : unmanaged
    {
        int index = ((int)role * TypeSlots) + (int)DataTypes.Of<T>();
        return (ByteView<T>)(_views[index] ??= new ByteView<T>());
    }

    public void ClearAll()
    {
        foreach (object? view in _views)
        {
            (view as IDisposable)?.Dispose();
        }
    }
}
