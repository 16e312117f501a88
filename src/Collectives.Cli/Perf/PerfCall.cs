using System.Runtime.InteropServices;

namespace Collectives.Cli.Perf;

/// <summary>
/// One rank's call of the benchmarked collective for one size and placement: the buffers are
/// sliced once, so the timed loop only calls <see cref="RunAsync"/>, which does not allocate.
/// </summary>
internal readonly struct PerfCall<T>
    where T : unmanaged
{
    private readonly CollectiveKind _kind;
    private readonly ReduceOp _op;
    private readonly int _root;

    private PerfCall(CollectiveKind kind, ReduceOp op, int root, Memory<T> input, Memory<T> output)
    {
        _kind = kind;
        _op = op;
        _root = root;
        Input = input;
        Output = output;
    }

    /// <summary>What this rank sends (for broadcast: the buffer, meaningful at the root).</summary>
    public Memory<T> Input { get; }

    /// <summary>What this rank receives; empty where it receives nothing (reduce off the root).</summary>
    public Memory<T> Output { get; }

    /// <summary>Slices <paramref name="buffers"/> into the layout nccl-tests uses for the collective and placement.</summary>
    public static PerfCall<T> For(in CollectiveLayout layout, RankBuffers<T> buffers, int rank, Placement placement, ReduceOp op, int root)
    {
        Memory<T> send = buffers.Send[..layout.SendCount];
        Memory<T> receive = buffers.Receive[..layout.ReceiveCount];
        Memory<T> both = buffers.Receive[..layout.InPlaceCount];
        bool inPlace = placement == Placement.InPlace;
        (Memory<T> input, Memory<T> output) = layout.Kind switch
        {
            CollectiveKind.AllReduce or CollectiveKind.AllToAll => inPlace ? (both, both) : (send, receive),
            CollectiveKind.ReduceScatter => inPlace ? (both, both.Slice(rank * layout.ReceiveCount, layout.ReceiveCount)) : (send, receive),
            CollectiveKind.AllGather => inPlace ? (both.Slice(rank * layout.SendCount, layout.SendCount), both) : (send, receive),
            // The library's broadcast is in place only, so both columns time the same call.
            CollectiveKind.Broadcast => (receive, receive),
            CollectiveKind.Reduce => (inPlace ? both : send, rank == root ? receive : Memory<T>.Empty),
            _ => throw new ArgumentOutOfRangeException(nameof(layout), layout.Kind, "perf does not benchmark this operation"),
        };
        return new PerfCall<T>(layout.Kind, op, root, input, output);
    }

    public ValueTask RunAsync(Communicator communicator, CancellationToken cancellationToken) => _kind switch
    {
        CollectiveKind.AllReduce => communicator.AllReduceAsync(Input, Output, _op, cancellationToken),
        CollectiveKind.ReduceScatter => communicator.ReduceScatterAsync(Input, Output, _op, cancellationToken),
        CollectiveKind.AllGather => communicator.AllGatherAsync(Input, Output, cancellationToken),
        CollectiveKind.Broadcast => communicator.BroadcastAsync(Output, _root, cancellationToken),
        CollectiveKind.Reduce => communicator.ReduceAsync(Input, Output, _op, _root, cancellationToken),
        CollectiveKind.AllToAll => communicator.AllToAllAsync(Input, Output, cancellationToken),
        _ => throw new InvalidOperationException($"perf does not benchmark {_kind}"),
    };

    /// <summary>
    /// Sets the buffers up for a checked (or timed) call: outputs poisoned, so an element never
    /// written counts as wrong; then the input pattern, which in place overwrites the poison.
    /// </summary>
    public void Prepare(ExpectedValues<T> expected, int rank)
    {
        Output.Span.Fill(ElementConvert.Poison<T>());
        if (_kind == CollectiveKind.Broadcast)
        {
            if (rank == _root)
            {
                expected.FillInput(_root, Output.Span);
            }
            return;
        }
        expected.FillInput(rank, Input.Span);
    }
}
