namespace Collectives.Schedules;

/// <summary>
/// One step of a collective, or <see cref="Repeat"/> identical ones in a row: every flow of
/// <see cref="Pattern"/> moves <see cref="BytesPerFlow"/> bytes at once, then every receiving node
/// reduces <see cref="ReducedBytesPerNode"/> bytes (0 for steps that only copy).
/// </summary>
public sealed record CommunicationStep
{
    public CommunicationStep(FlowPattern pattern, long bytesPerFlow, long reducedBytesPerNode, int repeat = 1)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentOutOfRangeException.ThrowIfNegative(bytesPerFlow);
        ArgumentOutOfRangeException.ThrowIfNegative(reducedBytesPerNode);
        ArgumentOutOfRangeException.ThrowIfLessThan(repeat, 1);
        Pattern = pattern;
        BytesPerFlow = bytesPerFlow;
        ReducedBytesPerNode = reducedBytesPerNode;
        Repeat = repeat;
    }

    public FlowPattern Pattern { get; }

    public long BytesPerFlow { get; }

    public long ReducedBytesPerNode { get; }

    public int Repeat { get; }
}
