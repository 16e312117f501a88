using System.Globalization;
using System.Runtime.InteropServices;
using Collectives.Algorithms;
using Collectives.Buffers;
using Collectives.Kernels;
using Collectives.Operations;
using Collectives.Selection;

namespace Collectives;

// The collectives. Each method validates at the edge (so the hot path below does not), picks
// the algorithm, and runs it. Lengths are in elements of T.
public sealed partial class Communicator
{
    /// <summary>In-place all-reduce: every rank ends with the reduction of all ranks' <paramref name="buffer"/>.</summary>
    public ValueTask AllReduceAsync<T>(Memory<T> buffer, ReduceOp op, CancellationToken cancellationToken = default)
        where T : unmanaged => AllReduceAsync((ReadOnlyMemory<T>)buffer, buffer, op, cancellationToken);

    /// <summary>
    /// All-reduce: every rank's <paramref name="output"/> receives the element-wise reduction of
    /// all ranks' <paramref name="input"/>. <paramref name="output"/> may be the same memory as
    /// <paramref name="input"/> (in place) or disjoint from it, and at least as long.
    /// </summary>
    public ValueTask AllReduceAsync<T>(ReadOnlyMemory<T> input, Memory<T> output, ReduceOp op, CancellationToken cancellationToken = default)
        where T : unmanaged
    {
        const string Operation = "AllReduce";
        OperationSlot slot = ReserveCollective(Operation);
        try
        {
            DataType type = ElementType<T>(Operation);
            CheckOp(type, op, Operation);
            CheckOutputLength(output.Length, input.Length, Operation, "the input's length");
            bool inPlace = IsInPlace(input.Span, output.Span, 0, Operation, "output is the input buffer itself");
            int bytes = ByteLength<T>(input.Length, Operation);
            AlgorithmChoice choice = _selections.ChooseFull(CollectiveKind.AllReduce, type, bytes);
            var call = new CollectiveCall(CollectiveKind.AllReduce, type, op, choice.Algorithm, 0,
                input.Length, InputBytes(slot, input), OutputBytes(slot, output[..input.Length]), inPlace, Channels: choice.Channels,
                ChunkBytes: choice.ChunkBytes);
            return RunAsync(slot, call, cancellationToken);
        }
        catch (ArgumentException e)
        {
            Reject(slot, Operation, e);
            throw;
        }
    }

    /// <summary>
    /// Reduce-scatter: <paramref name="input"/> holds Size blocks of n elements; rank r's
    /// <paramref name="output"/> (n elements) receives block r reduced over all ranks. In place:
    /// pass <paramref name="output"/> = <paramref name="input"/>[r·n .. (r+1)·n].
    /// </summary>
    public ValueTask ReduceScatterAsync<T>(ReadOnlyMemory<T> input, Memory<T> output, ReduceOp op, CancellationToken cancellationToken = default)
        where T : unmanaged
    {
        const string Operation = "ReduceScatter";
        OperationSlot slot = ReserveCollective(Operation);
        try
        {
            DataType type = ElementType<T>(Operation);
            CheckOp(type, op, Operation);
            int blockCount = BlockCount(input.Length, Operation);
            CheckOutputLength(output.Length, blockCount, Operation, "input length / Size");
            bool inPlace = IsInPlace(input.Span, output.Span, Rank * blockCount, Operation,
                "output is the input's own block, input[Rank × n ..]");
            int bytes = ByteLength<T>(input.Length, Operation);
            var call = new CollectiveCall(CollectiveKind.ReduceScatter, type, op, Choose(CollectiveKind.ReduceScatter, type, bytes), 0,
                blockCount, InputBytes(slot, input), OutputBytes(slot, output[..blockCount]), inPlace);
            return RunAsync(slot, call, cancellationToken);
        }
        catch (ArgumentException e)
        {
            Reject(slot, Operation, e);
            throw;
        }
    }

    /// <summary>
    /// All-gather: rank r's <paramref name="input"/> (n elements) lands at block r of every rank's
    /// <paramref name="output"/> (Size·n elements). In place: pass <paramref name="input"/> =
    /// <paramref name="output"/>[r·n .. (r+1)·n].
    /// </summary>
    public ValueTask AllGatherAsync<T>(ReadOnlyMemory<T> input, Memory<T> output, CancellationToken cancellationToken = default)
        where T : unmanaged
    {
        const string Operation = "AllGather";
        OperationSlot slot = ReserveCollective(Operation);
        try
        {
            DataType type = ElementType<T>(Operation);
            long total = (long)input.Length * Size;
            CheckOutputLength(output.Length, total, Operation, "Size × input length");
            bool inPlace = IsInPlace(output.Span, input.Span, Rank * input.Length, Operation,
                "input is this rank's own block of the output, output[Rank × n ..]");
            int bytes = ByteLength<T>(total, Operation);
            var call = new CollectiveCall(CollectiveKind.AllGather, type, ReduceOp.Sum, Choose(CollectiveKind.AllGather, type, bytes), 0,
                input.Length, InputBytes(slot, input), OutputBytes(slot, output[..(int)total]), inPlace);
            return RunAsync(slot, call, cancellationToken);
        }
        catch (ArgumentException e)
        {
            Reject(slot, Operation, e);
            throw;
        }
    }

    /// <summary>Broadcast: every rank's <paramref name="buffer"/> receives <paramref name="root"/>'s.</summary>
    public ValueTask BroadcastAsync<T>(Memory<T> buffer, int root, CancellationToken cancellationToken = default)
        where T : unmanaged
    {
        const string Operation = "Broadcast";
        OperationSlot slot = ReserveCollective(Operation);
        try
        {
            DataType type = ElementType<T>(Operation);
            CheckRoot(root, Operation);
            int bytes = ByteLength<T>(buffer.Length, Operation);
            Memory<byte> data = OutputBytes(slot, buffer);
            AlgorithmChoice choice = _selections.ChooseFull(CollectiveKind.Broadcast, type, bytes);
            var call = new CollectiveCall(CollectiveKind.Broadcast, type, ReduceOp.Sum, choice.Algorithm, root,
                buffer.Length, data, data, InPlace: true, ChunkBytes: choice.ChunkBytes);
            return RunAsync(slot, call, cancellationToken);
        }
        catch (ArgumentException e)
        {
            Reject(slot, Operation, e);
            throw;
        }
    }

    /// <summary>
    /// Reduce: <paramref name="root"/>'s <paramref name="output"/> receives the reduction of all
    /// ranks' <paramref name="input"/>. Other ranks' output is not touched (pass an empty one).
    /// At the root, output may be the input itself (in place).
    /// </summary>
    public ValueTask ReduceAsync<T>(ReadOnlyMemory<T> input, Memory<T> output, ReduceOp op, int root, CancellationToken cancellationToken = default)
        where T : unmanaged
    {
        const string Operation = "Reduce";
        OperationSlot slot = ReserveCollective(Operation);
        try
        {
            DataType type = ElementType<T>(Operation);
            CheckOp(type, op, Operation);
            CheckRoot(root, Operation);
            bool isRoot = Rank == root;
            bool inPlace = false;
            if (isRoot)
            {
                CheckOutputLength(output.Length, input.Length, Operation, "the input's length (at the root)");
                inPlace = IsInPlace(input.Span, output.Span, 0, Operation, "output is the input buffer itself");
            }
            int bytes = ByteLength<T>(input.Length, Operation);
            AlgorithmChoice choice = _selections.ChooseFull(CollectiveKind.Reduce, type, bytes);
            var call = new CollectiveCall(CollectiveKind.Reduce, type, op, choice.Algorithm, root,
                input.Length, InputBytes(slot, input), isRoot ? OutputBytes(slot, output[..input.Length]) : Memory<byte>.Empty, inPlace, ChunkBytes: choice.ChunkBytes);
            return RunAsync(slot, call, cancellationToken);
        }
        catch (ArgumentException e)
        {
            Reject(slot, Operation, e);
            throw;
        }
    }

    /// <summary>
    /// All-to-all: <paramref name="input"/> holds Size blocks of n elements; block j goes to rank
    /// j, and block i of <paramref name="output"/> comes from rank i. In place: output = input.
    /// </summary>
    public ValueTask AllToAllAsync<T>(ReadOnlyMemory<T> input, Memory<T> output, CancellationToken cancellationToken = default)
        where T : unmanaged
    {
        const string Operation = "AllToAll";
        OperationSlot slot = ReserveCollective(Operation);
        try
        {
            DataType type = ElementType<T>(Operation);
            int blockCount = BlockCount(input.Length, Operation);
            CheckOutputLength(output.Length, input.Length, Operation, "the input's length");
            bool inPlace = IsInPlace(input.Span, output.Span, 0, Operation, "output is the input buffer itself");
            int bytes = ByteLength<T>(input.Length, Operation);
            var call = new CollectiveCall(CollectiveKind.AllToAll, type, ReduceOp.Sum, Choose(CollectiveKind.AllToAll, type, bytes), 0,
                blockCount, InputBytes(slot, input), OutputBytes(slot, output[..input.Length]), inPlace);
            return RunAsync(slot, call, cancellationToken);
        }
        catch (ArgumentException e)
        {
            Reject(slot, Operation, e);
            throw;
        }
    }

    /// <summary>Barrier: completes on a rank once every rank has entered it.</summary>
    public ValueTask BarrierAsync(CancellationToken cancellationToken = default)
    {
        OperationSlot slot = ReserveCollective("Barrier");
        var call = new CollectiveCall(CollectiveKind.Barrier, DataType.UInt8, ReduceOp.Sum, Choose(CollectiveKind.Barrier, DataType.UInt8, 0), 0,
            0, ReadOnlyMemory<byte>.Empty, Memory<byte>.Empty);
        return RunAsync(slot, call, cancellationToken);
    }

    /// <summary>SplitAsync's all-gather of (color, key); returns the operation's sequence number.</summary>
    private async ValueTask<long> ExchangeForSplitAsync(int[] mine, int[] everyone, CancellationToken cancellationToken)
    {
        OperationSlot slot = ReserveCollective("Split");
        long sequence = slot.NextSequence;
        var call = new CollectiveCall(CollectiveKind.Split, DataType.Int32, ReduceOp.Sum, Choose(CollectiveKind.Split, DataType.Int32, everyone.Length * sizeof(int)), 0,
            mine.Length, InputBytes(slot, (ReadOnlyMemory<int>)mine), OutputBytes(slot, everyone.AsMemory()));
        await RunAsync(slot, call, cancellationToken).ConfigureAwait(false);
        return sequence;
    }

    private Algorithm Choose(CollectiveKind kind, DataType type, long bytes) => _selections.Choose(kind, type, bytes);

    /// <summary>
    /// What a call of <paramref name="kind"/> over <paramref name="bytes"/> (the nccl-tests size:
    /// the buffer, or the whole input / output for the block collectives) would run: the
    /// selector's choice with its predicted time, from this communicator's topology, cost profile,
    /// circuits (under <see cref="CommunicatorOptions.Circuits"/>, all-reduce, reduce-scatter and
    /// all-gather are priced by the optical circuit model) and overrides. The same answer the call
    /// itself gets; runs nothing.
    /// </summary>
    public AlgorithmChoice Plan(CollectiveKind kind, DataType type, long bytes) => Plan(kind, type, bytes, inPlace: false);

    /// <summary>
    /// <see cref="Plan(CollectiveKind, DataType, long)"/> for a call made in place or out of
    /// place: the same algorithm, chunk and channels either way (ranks may differ in placement
    /// and must agree on the algorithm), priced for the placement where the cost profile measured
    /// it apart (<see cref="LinkCost.BetaInPlace"/>).
    /// </summary>
    public AlgorithmChoice Plan(CollectiveKind kind, DataType type, long bytes, bool inPlace)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        return _selections.ChooseFull(kind, type, bytes, inPlace);
    }

    private static Memory<byte> InputBytes<T>(OperationSlot slot, ReadOnlyMemory<T> input)
        where T : unmanaged => slot.Views.For<T>(ByteViews.Role.Input).Wrap(MemoryMarshal.AsMemory(input));

    private static Memory<byte> OutputBytes<T>(OperationSlot slot, Memory<T> output)
        where T : unmanaged => slot.Views.For<T>(ByteViews.Role.Output).Wrap(output);

    private void CheckOp(DataType type, ReduceOp op, string operation)
    {
        if (op is < ReduceOp.Sum or > ReduceOp.BitXor)
        {
            throw new ArgumentOutOfRangeException(nameof(op), op, string.Create(CultureInfo.InvariantCulture,
                $"Rank {Rank}: {operation} got an undefined ReduceOp; use Sum, Prod, Min, Max, Avg, BitAnd, BitOr or BitXor."));
        }
        if (!ReductionKernels.IsValidOp(type, op))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Rank {Rank}: {operation} with {op} is not defined for {DataTypes.Name(type)}: bitwise ops apply to integer " +
                $"element types only. Use Sum, Prod, Min, Max or Avg, or reinterpret the data as an integer type."), nameof(op));
        }
    }

    private void CheckRoot(int root, string operation)
    {
        if ((uint)root >= (uint)Size)
        {
            throw new ArgumentOutOfRangeException(nameof(root), root, string.Create(CultureInfo.InvariantCulture,
                $"Rank {Rank}: {operation} root must be a rank in [0, {Size})."));
        }
    }

    private void CheckOutputLength(long outputLength, long needed, string operation, string what)
    {
        if (outputLength < needed)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Rank {Rank}: {operation} output is too small: it holds {outputLength} elements but needs {needed} ({what})."),
                "output");
        }
    }

    private int BlockCount(int inputLength, string operation)
    {
        if (inputLength % Size != 0)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Rank {Rank}: {operation} input holds {inputLength} elements, not a multiple of the communicator size {Size}; " +
                $"it must hold Size blocks of equal length, block r for rank r."), "input");
        }
        return inputLength / Size;
    }

    /// <summary>
    /// True when <paramref name="inner"/> starts <paramref name="inPlaceOffset"/> elements into
    /// <paramref name="outer"/> (the call's in-place layout); false when they are disjoint;
    /// ArgumentException for any other overlap, which would corrupt data mid-call.
    /// </summary>
    private bool IsInPlace<T>(ReadOnlySpan<T> outer, ReadOnlySpan<T> inner, int inPlaceOffset, string operation, string layout)
    {
        if (!outer.Overlaps(inner, out int offset))
        {
            return false;
        }
        if (offset == inPlaceOffset)
        {
            return true;
        }
        throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
            $"Rank {Rank}: {operation} input and output overlap at an offset of {offset} elements. In place means {layout}; " +
            $"otherwise pass buffers that do not overlap."));
    }
}
