using Collectives.Buffers;
using Collectives.Topology;

namespace Collectives.Algorithms;

/// <summary>
/// The two-level all-gather for hosts that run different numbers of ranks. Blocks are packed
/// host by host (host g's ranks' blocks together, in rank order). Inside each host a ring
/// gathers the host's own blocks; every host's packed part is then cut into M lanes (M = most
/// ranks on a host), and lane s of every host travels around a ring across hosts among the
/// ranks that own lane s (local index s mod the host's size); last, each lane's owner
/// broadcasts what it received to the rest of its host. A rank that owns several lanes runs
/// them in increasing order, as every rank does, so the lane rings cannot wait on each other in
/// a cycle. Every byte is copied, never combined: all ranks end with identical bits.
/// </summary>
internal static class UnevenHierarchicalAllGather
{
    public static async ValueTask RunAsync(CollectiveContext c, ReadOnlyMemory<byte> input, Memory<byte> output, long blockCount)
    {
        JobTopology layout = c.Topology;
        var lanes = new HostLanes(layout, blockCount, c.ElementSize);
        int blockBytes = lanes.BlockBytes, total = lanes.TotalBytes;
        int hosts = lanes.Hosts;
        int myHost = layout.HostOf(c.Rank);
        Memory<byte> packed = lanes.PackedIsRankOrder ? output[..total] : c.Scratch.Get(3, total);
        IReadOnlyList<int> members = layout.Hosts[myHost].Ranks;

        // 1. Inside the host: its own blocks. Offsets [0, total).
        CollectiveContext inside = c.Group(members, 0);
        await RingAllGather.RunAsync(inside, input, packed.Slice(lanes.HostStart(myHost), members.Count * blockBytes), blockCount)
            .ConfigureAwait(false);

        // 2. Across hosts, lane by lane: lane s of every host's part, among the lanes' owners.
        // Offsets 2·total + s·total + the byte's place in the packed buffer.
        for (int lane = 0; lane < lanes.Lanes; lane++)
        {
            if (members[lane % members.Count] != c.Rank)
            {
                continue;
            }
            int[] owners = layout.Hosts.Select(h => h.Ranks[lane % h.Count]).ToArray();
            CollectiveContext across = c.Group(owners, (2L + lane) * total);
            await LaneRingAsync(across, Enumerable.Range(0, hosts).Select(h => Lane(lanes, packed, h, lane)).ToArray())
                .ConfigureAwait(false);
        }

        // 3. Inside the host again: each lane's owner hands what it received to the others.
        if (members.Count > 1)
        {
            for (int lane = 0; lane < lanes.Lanes; lane++)
            {
                for (int host = 0; host < hosts; host++)
                {
                    (int start, Memory<byte> region) = Lane(lanes, packed, host, lane);
                    if (host == myHost || region.Length == 0)
                    {
                        continue;
                    }
                    CollectiveContext broadcast = c.Group(members, ((2L + lanes.Lanes) * total) + start);
                    await RingBroadcast.RunAsync(broadcast, region, lane % members.Count).ConfigureAwait(false);
                }
            }
        }

        if (!lanes.PackedIsRankOrder)
        {
            for (int rank = 0; rank < c.Size; rank++)
            {
                BulkCopy.CopyStreaming(packed.Slice(lanes.PackedStart(rank), blockBytes).Span, output.Slice(rank * blockBytes, blockBytes).Span);
            }
        }
    }

    /// <summary>Lane <paramref name="lane"/> of host <paramref name="host"/>'s packed part: its start in the packed buffer and its bytes.</summary>
    private static (int Start, Memory<byte> Region) Lane(HostLanes lanes, Memory<byte> packed, int host, int lane)
    {
        (int start, int length) = lanes.Segment(host, lane);
        return (start, packed.Slice(start, length));
    }

    /// <summary>A ring all-gather whose members contribute regions of different sizes (member i's is <paramref name="regions"/>[i], already in place on i).</summary>
    private static async ValueTask LaneRingAsync(CollectiveContext c, (int Start, Memory<byte> Region)[] regions)
    {
        int size = c.Size;
        int right = (c.Rank + 1) % size;
        int left = Partition.Mod(c.Rank - 1, size);
        for (int step = 0; step < size - 1; step++)
        {
            (int sendStart, Memory<byte> send) = regions[Partition.Mod(c.Rank - step, size)];
            (int receiveStart, Memory<byte> receive) = regions[Partition.Mod(c.Rank - step - 1, size)];
            await c.SendReceiveAsync(right, send, sendStart, left, receive, receiveStart).ConfigureAwait(false);
        }
    }
}
