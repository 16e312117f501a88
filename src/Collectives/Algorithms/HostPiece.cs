using Collectives.Topology;

namespace Collectives.Algorithms;

/// <summary>
/// A byte range of a buffer and, per host, the rank that owns it after that host's ring
/// reduce-scatter (<see cref="RingAllReduce.OwnedSegment(int, int, long, int)"/>): the unit of
/// cross-host work in <see cref="HierarchicalAllReduce"/>.
/// </summary>
internal sealed record HostPiece(int Offset, int Length, int[] Owners)
{
    /// <summary>
    /// Cuts a <paramref name="count"/>-element buffer at every boundary of every host's split among
    /// its ranks; empty pieces are dropped. With equal hosts this is one piece per local rank.
    /// </summary>
    public static List<HostPiece> Split(JobTopology hosts, long count, int elementSize)
    {
        var cuts = new SortedSet<int> { 0, checked((int)(count * elementSize)) };
        foreach (HostGroup host in hosts.Hosts)
        {
            int local = host.Count;
            for (int block = 0; block < local; block++)
            {
                (int offset, int length) = Partition.Bytes(count, local, block, elementSize);
                cuts.Add(offset);
                cuts.Add(offset + length);
            }
        }
        var pieces = new List<HostPiece>();
        int previous = 0;
        foreach (int cut in cuts)
        {
            if (cut > previous)
            {
                var owners = new int[hosts.Hosts.Count];
                for (int h = 0; h < owners.Length; h++)
                {
                    IReadOnlyList<int> members = hosts.Hosts[h].Ranks;
                    owners[h] = members[OwnerIndex(members.Count, count, elementSize, previous)];
                }
                pieces.Add(new HostPiece(previous, cut - previous, owners));
            }
            previous = cut;
        }
        return pieces;
    }

    // The local rank whose owned segment (block j+1 of the host's split) contains byte offset.
    private static int OwnerIndex(int local, long count, int elementSize, int offset)
    {
        for (int j = 0; j < local; j++)
        {
            (int start, int length) = RingAllReduce.OwnedSegment(j, local, count, elementSize);
            if (offset >= start && offset < start + length)
            {
                return j;
            }
        }
        throw new InvalidOperationException($"No rank of a {local}-rank host owns byte {offset}; this is a bug in the partition.");
    }
}
