using Collectives.Buffers;
using Collectives.Topology;

namespace Collectives.Algorithms;

/// <summary>
/// The two-level reduce-scatter for hosts that run different numbers of ranks: the dual of
/// <see cref="UnevenHierarchicalAllGather"/>, over the same lanes (<see cref="HostLanes"/>). The
/// input is laid out lane by lane (lane s holds lane s of every host's part, in host order), and
/// each host gives its ranks runs of whole lanes, as evenly as whole lanes allow (local rank j of
/// n owns lane s when ⌊s·n/M⌋ = j). Then (1) a ring reduce-scatter inside each host over those runs
/// leaves each rank with its host's partial sums of its lanes; (2) lane by lane, a ring
/// reduce-scatter across hosts among the lane's owners (one per host) leaves each owner with its
/// own host's segment of the lane reduced over every rank; (3) inside each host, pairwise steps
/// hand every finished piece to the rank whose output it is. A rank that owns several lanes runs
/// them in increasing order, as every rank does, so the lane rings cannot wait on each other in a
/// cycle. Each element is finished once, in one lane ring, and Avg divides it once by the full size.
/// </summary>
internal static class UnevenHierarchicalReduceScatter
{
    /// <param name="blockCount">Elements per rank (the output's length).</param>
    public static async ValueTask RunAsync(CollectiveContext c, ReadOnlyMemory<byte> input, Memory<byte> output, long blockCount)
    {
        var lanes = new HostLanes(c.Topology, blockCount, c.ElementSize);
        HostGroup host = c.Topology.Hosts[c.Topology.HostOf(c.Rank)];
        int me = c.Topology.LocalIndexOf(c.Rank), total = lanes.TotalBytes;
        int[] laneStart = LaneStarts(lanes);
        Memory<byte> work = c.Scratch.Get(4, total);
        LayOutByLane(c, lanes, input, work);

        // 1. Inside the host, in place: local rank j ends with its run of lanes (segment j+1 of
        // the ring) reduced over the host. Offsets [0, total).
        if (host.Count > 1)
        {
            var runs = new (int Offset, int Length)[host.Count];
            for (int j = 0; j < host.Count; j++)
            {
                int start = laneStart[FirstLane(host, j, lanes)];
                runs[(j + 1) % host.Count] = (start, laneStart[FirstLane(host, j + 1, lanes)] - start);
            }
            await RingAllReduce.ReduceScatterPhaseAsync(c.Group(host.Ranks, 0), work, work, RingSegments.Given(runs)).ConfigureAwait(false);
        }

        // 2. Across hosts, my lanes in increasing order, in place: owner g ends with host g's
        // segment (segment g+1 of the ring) reduced over every rank, which goes into held, where
        // my host's segments of my lanes lie side by side as in the packed buffer (the input's
        // copy there is done with). Offsets total + the lane's start + the byte's place in the lane.
        int firstLane = FirstLane(host, me, lanes), endLane = FirstLane(host, me + 1, lanes);
        (int heldStart, int heldLength) = lanes.Segments(host.Index, firstLane, endLane);
        Memory<byte> held = c.Scratch.Get(3, heldLength);
        for (int lane = firstLane; lane < endLane; lane++)
        {
            var owners = new int[lanes.Hosts];
            var segments = new (int Offset, int Length)[lanes.Hosts];
            for (int h = 0, at = 0; h < lanes.Hosts; h++)
            {
                HostGroup other = c.Topology.Hosts[h];
                owners[h] = other.Ranks[lane * other.Count / lanes.Lanes]; // the owner FirstLane describes
                int length = lanes.Segment(h, lane).Length;
                segments[(h + 1) % lanes.Hosts] = (at, length);
                at += length;
            }
            Memory<byte> region = work[laneStart[lane]..laneStart[lane + 1]];
            CollectiveContext across = c.Group(owners, (long)total + laneStart[lane]);
            await RingAllReduce.ReduceScatterPhaseAsync(across, region, region, RingSegments.Given(segments)).ConfigureAwait(false);
            (int finishedAt, int finishedLength) = segments[(host.Index + 1) % lanes.Hosts];
            BulkCopy.Copy(region.Slice(finishedAt, finishedLength).Span,
                held.Slice(lanes.Segment(host.Index, lane).Start - heldStart, finishedLength).Span);
        }

        // 3. Inside the host: at step k send rank me+k its part of what I hold, receive mine from
        // rank me−k; every step is a permutation. Offsets 2·total + the piece's place in the packed buffer.
        Memory<byte> mine = output[..lanes.BlockBytes];
        int myBlock = lanes.PackedStart(c.Rank);
        (Memory<byte> own, int ownAt) = Overlap(held, heldStart, myBlock, myBlock + lanes.BlockBytes);
        if (!own.IsEmpty)
        {
            BulkCopy.Copy(own.Span, mine.Span.Slice(ownAt - myBlock, own.Length));
        }
        CollectiveContext inside = c.Group(host.Ranks, 2L * total);
        for (int step = 1; step < host.Count; step++)
        {
            int to = (me + step) % host.Count, from = Partition.Mod(me - step, host.Count);
            int toBlock = lanes.PackedStart(host.Ranks[to]);
            (Memory<byte> send, int sendAt) = Overlap(held, heldStart, toBlock, toBlock + lanes.BlockBytes);
            (int fromStart, int fromLength) = lanes.Segments(host.Index, FirstLane(host, from, lanes), FirstLane(host, from + 1, lanes));
            (Memory<byte> receive, int receiveAt) = Overlap(mine, myBlock, fromStart, fromStart + fromLength);
            await inside.SendReceiveAsync(to, send, sendAt, from, receive, receiveAt).ConfigureAwait(false);
        }
        c.FinishAverage(mine);
    }

    /// <summary>
    /// The first lane local rank <paramref name="localRank"/> of <paramref name="host"/> owns: ⌈j·M/n⌉,
    /// so local rank j owns the lanes s with ⌊s·n/M⌋ = j (j = n gives M, the end of the last run).
    /// </summary>
    private static int FirstLane(HostGroup host, int localRank, HostLanes lanes) => ((localRank * lanes.Lanes) + host.Count - 1) / host.Count;

    /// <summary>Where each lane starts in the lane-by-lane layout, and the total at the end.</summary>
    private static int[] LaneStarts(HostLanes lanes)
    {
        var starts = new int[lanes.Lanes + 1];
        for (int lane = 0; lane < lanes.Lanes; lane++)
        {
            starts[lane + 1] = starts[lane];
            for (int host = 0; host < lanes.Hosts; host++)
            {
                starts[lane + 1] += lanes.Segment(host, lane).Length;
            }
        }
        return starts;
    }

    /// <summary>Copies the rank-ordered <paramref name="input"/> into <paramref name="work"/> lane by lane, through the packed order.</summary>
    private static void LayOutByLane(CollectiveContext c, HostLanes lanes, ReadOnlyMemory<byte> input, Memory<byte> work)
    {
        ReadOnlyMemory<byte> packed = input[..lanes.TotalBytes];
        if (!lanes.PackedIsRankOrder)
        {
            Memory<byte> repacked = c.Scratch.Get(3, lanes.TotalBytes);
            for (int rank = 0; rank < c.Size; rank++)
            {
                BulkCopy.Copy(input.Slice(rank * lanes.BlockBytes, lanes.BlockBytes).Span, repacked.Slice(lanes.PackedStart(rank), lanes.BlockBytes).Span);
            }
            packed = repacked;
        }
        int at = 0;
        for (int lane = 0; lane < lanes.Lanes; lane++)
        {
            for (int host = 0; host < lanes.Hosts; host++)
            {
                (int start, int length) = lanes.Segment(host, lane);
                BulkCopy.Copy(packed.Slice(start, length).Span, work.Slice(at, length).Span);
                at += length;
            }
        }
    }

    /// <summary>
    /// The part of <paramref name="buffer"/> (which holds packed bytes from <paramref name="bufferStart"/>)
    /// that falls in packed bytes [<paramref name="from"/>, <paramref name="to"/>), and where it starts
    /// there; empty (at 0) when they do not meet, the same answer on the sending and receiving side.
    /// </summary>
    private static (Memory<byte> Piece, int At) Overlap(Memory<byte> buffer, int bufferStart, int from, int to)
    {
        int start = Math.Max(bufferStart, from), end = Math.Min(bufferStart + buffer.Length, to);
        return end > start ? (buffer.Slice(start - bufferStart, end - start), start) : (Memory<byte>.Empty, 0);
    }
}
