using Collectives.Algorithms;
using Collectives.Kernels;
using Collectives.Operations;

namespace Collectives;

// Point-to-point messages. Messages between two ranks are ordered; each send must meet a
// receive of the same element type and count on the peer.
public sealed partial class Communicator
{
    /// <summary>
    /// Sends <paramref name="data"/> to <paramref name="peer"/>, which must call
    /// <see cref="ReceiveAsync{T}"/> with the same element type and count. May complete only once
    /// the peer has received: post the peer's receive concurrently, not after this completes.
    /// </summary>
    public ValueTask SendAsync<T>(ReadOnlyMemory<T> data, int peer, CancellationToken cancellationToken = default)
        where T : unmanaged
    {
        const string Operation = "Send";
        OperationSlot slot = ReservePointToPoint(Operation, peer, receive: false);
        try
        {
            DataType type = ElementType<T>(Operation);
            ByteLength<T>(data.Length, Operation);
            var call = new CollectiveCall(CollectiveKind.Send, type, ReduceOp.Sum, Algorithm.Direct, 0, data.Length,
                InputBytes(slot, data), Memory<byte>.Empty, Peer: peer);
            return RunAsync(slot, call, cancellationToken);
        }
        catch (ArgumentException e)
        {
            Reject(slot, Operation, e);
            throw;
        }
    }

    /// <summary>Receives the next message from <paramref name="peer"/> into <paramref name="buffer"/>; the counts must match.</summary>
    public ValueTask ReceiveAsync<T>(Memory<T> buffer, int peer, CancellationToken cancellationToken = default)
        where T : unmanaged
    {
        const string Operation = "Receive";
        OperationSlot slot = ReservePointToPoint(Operation, peer, receive: true);
        try
        {
            DataType type = ElementType<T>(Operation);
            ByteLength<T>(buffer.Length, Operation);
            var call = new CollectiveCall(CollectiveKind.Send, type, ReduceOp.Sum, Algorithm.Direct, 0, buffer.Length,
                ReadOnlyMemory<byte>.Empty, OutputBytes(slot, buffer), Peer: peer);
            return RunAsync(slot, call, cancellationToken);
        }
        catch (ArgumentException e)
        {
            Reject(slot, Operation, e);
            throw;
        }
    }
}
