using Collectives.Topology;

namespace Collectives.Algorithms;

/// <summary>
/// The block geometry of the two-level collectives on hosts that run different numbers of ranks
/// (<see cref="UnevenHierarchicalAllGather"/>, <see cref="UnevenHierarchicalReduceScatter"/>):
/// blocks packed host by host (host g's ranks' blocks together, in local order), and every
/// host's packed part cut into M lanes (M = most ranks on a host), the same way on every rank.
/// Lane s of every host together is what one ring across hosts carries.
/// </summary>
internal sealed class HostLanes
{
    private readonly JobTopology _topology;
    private readonly long _blockCount;
    private readonly int _elementSize;
    private readonly int[] _hostStart;

    public HostLanes(JobTopology topology, long blockCount, int elementSize)
    {
        _topology = topology;
        _blockCount = blockCount;
        _elementSize = elementSize;
        BlockBytes = (int)(blockCount * elementSize);
        TotalBytes = topology.Size * BlockBytes;
        _hostStart = new int[topology.Hosts.Count];
        for (int h = 1; h < _hostStart.Length; h++)
        {
            _hostStart[h] = _hostStart[h - 1] + (topology.Hosts[h - 1].Count * BlockBytes);
        }
        // Packed host by host is rank order when every host's ranks are numbered together.
        PackedIsRankOrder = Enumerable.Range(0, topology.Size).All(r => PackedStart(r) == r * BlockBytes);
    }

    public int BlockBytes { get; }

    /// <summary>Bytes of every rank's block together.</summary>
    public int TotalBytes { get; }

    /// <summary>M: the most ranks on a host.</summary>
    public int Lanes => _topology.MaxRanksPerHost;

    public int Hosts => _hostStart.Length;

    /// <summary>True when the packed order is rank order, so a rank-ordered buffer can be used as it is.</summary>
    public bool PackedIsRankOrder { get; }

    /// <summary>Where host <paramref name="host"/>'s part starts in the packed buffer.</summary>
    public int HostStart(int host) => _hostStart[host];

    /// <summary>Where <paramref name="rank"/>'s block sits in the packed buffer.</summary>
    public int PackedStart(int rank) => _hostStart[_topology.HostOf(rank)] + (_topology.LocalIndexOf(rank) * BlockBytes);

    /// <summary>Lane <paramref name="lane"/> of host <paramref name="host"/>'s part: its start in the packed buffer and its length, in bytes.</summary>
    public (int Start, int Length) Segment(int host, int lane) => Segments(host, lane, lane + 1);

    /// <summary>Lanes [<paramref name="first"/>, <paramref name="end"/>) of host <paramref name="host"/>'s part, which lie side by side: start and length in bytes.</summary>
    public (int Start, int Length) Segments(int host, int first, int end)
    {
        (int offset, int length) = Partition.Bytes(_topology.Hosts[host].Count * _blockCount, Lanes, first, end, _elementSize);
        return (_hostStart[host] + offset, length);
    }
}
