using System.Buffers;
using Microsoft.Extensions.ObjectPool;

namespace Collectives.Transport.Tcp;

/// <summary>
/// A received payload lent to the caller of <see cref="TcpPeerLink.ReceiveAsync"/>: a pooled
/// array, returned to the pool when the frame is disposed. The lease objects are pooled too, so
/// a received frame allocates nothing in steady state.
/// </summary>
internal sealed class TcpLease : IInboundFrameOwner
{
    private static readonly ObjectPool<TcpLease> Pool =
        new DefaultObjectPool<TcpLease>(new DefaultPooledObjectPolicy<TcpLease>(), maximumRetained: 256);

    private byte[]? _array;
    private short _token;
    private int _released;

    public short Token => _token;

    public static byte[] RentArray(int length) => ArrayPool<byte>.Shared.Rent(length);

    public static void ReturnArray(byte[] array) => ArrayPool<byte>.Shared.Return(array);

    /// <summary>Wraps <paramref name="array"/> (from <see cref="RentArray"/>) in a lease.</summary>
    public static TcpLease Lend(byte[] array)
    {
        TcpLease lease = Pool.Get();
        lease._array = array;
        Volatile.Write(ref lease._released, 0);
        return lease;
    }

    /// <summary>Ignores a second dispose of the same frame (a copied struct), and stale tokens.</summary>
    public void Release(short token)
    {
        if (token != _token || Interlocked.Exchange(ref _released, 1) != 0)
        {
            return;
        }
        byte[]? array = _array;
        _array = null;
        unchecked
        {
            _token++;
        }
        if (array is not null)
        {
            ReturnArray(array);
        }
        Pool.Return(this);
    }
}
