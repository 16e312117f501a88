namespace Collectives.Topology;

/// <summary>
/// The link classes of a topology in two words, when two words say it all: one class for every
/// pair that shares a host (<see cref="Intra"/>) and one for every pair that does not
/// (<see cref="Inter"/>). <see cref="DescribesMatrix"/> is false when some pairs differ, and the
/// matrix must then be written out in full.
/// </summary>
internal sealed record LinkSummary(LinkClass? Intra, LinkClass? Inter, bool DescribesMatrix)
{
    public static LinkSummary Of(JobTopology topology)
    {
        LinkClass? intra = null;
        LinkClass? inter = null;
        bool uniform = true;
        for (int a = 0; a < topology.Size; a++)
        {
            for (int b = a + 1; b < topology.Size; b++)
            {
                LinkClass link = topology.LinkBetween(a, b);
                ref LinkClass? expected = ref topology.HostOf(a) == topology.HostOf(b) ? ref intra : ref inter;
                expected ??= link;
                uniform &= expected == link;
            }
        }
        return new LinkSummary(intra, inter, uniform);
    }
}
