namespace Collectives.Topology;

/// <summary>
/// What kind of path joins two ranks, as the cost model sees it. Each class has its own alpha
/// (latency) and beta (seconds per byte) in a <see cref="Selection.CostProfile"/>. The numeric
/// values appear in topology files and in gathered rank rows, so they never change.
/// </summary>
public enum LinkClass : byte
{
    /// <summary>A rank and itself: no link.</summary>
    Self = 0,
    /// <summary>Ranks that are tasks of one process (the in-process transport).</summary>
    InProcess = 1,
    /// <summary>Processes on one host joined by shared-memory rings.</summary>
    SharedMemory = 2,
    /// <summary>TCP sockets, normally between hosts.</summary>
    Tcp = 3,
    /// <summary>RDMA through the libfabric shim.</summary>
    Rdma = 4,
    /// <summary>A circuit through a reconfigurable optical switch.</summary>
    OpticalCircuit = 5,
}
