namespace Collectives;

/// <summary>
/// The operations a communicator runs. The numeric values travel in frame headers, so they
/// never change once released.
/// </summary>
public enum CollectiveKind : byte
{
    AllReduce = 1,
    ReduceScatter = 2,
    AllGather = 3,
    Broadcast = 4,
    Reduce = 5,
    AllToAll = 6,
    Barrier = 7,
    /// <summary>A point-to-point message (SendAsync / ReceiveAsync).</summary>
    Send = 8,
    /// <summary>The exchange of colors and keys inside <see cref="Communicator.SplitAsync"/>.</summary>
    Split = 9,
}
