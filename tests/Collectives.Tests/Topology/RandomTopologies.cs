using Collectives.Topology;

namespace Collectives.Tests.Topology;

/// <summary>
/// Random but valid topologies for round-trip tests: random host assignments, placements with
/// awkward strings (quotes, backslashes, control characters, other scripts, emoji), and link
/// matrices that either follow the hosts or mix classes pair by pair.
/// </summary>
internal static class RandomTopologies
{
    private static readonly string[] Pieces =
        ["node", "h", "\"", "\\", "/", "\n", "\t", "\u0001", "é", "节点", "🚀", " ", "{", "]", ",", ":", "-", "0", "\u2028", "null"];

    public static JobTopology Next(Random random, int maxSize = 12)
    {
        int size = random.Next(1, maxSize + 1);
        int hosts = random.Next(1, size + 1);
        int[] hostOf = Enumerable.Range(0, size).Select(_ => random.Next(hosts)).ToArray();
        string[] hostNames = Enumerable.Range(0, hosts).Select(_ => Text(random)).ToArray();
        string[] hostIds = Enumerable.Range(0, hosts).Select(h => random.Next(4) == 0 ? hostNames[h] + "#" + h : Text(random) + "#" + h).ToArray();
        var ranks = new RankPlacement[size];
        for (int r = 0; r < size; r++)
        {
            ranks[r] = new RankPlacement(r, hostIds[hostOf[r]], hostNames[hostOf[r]], random.Next(-1, 4), random.Next(-1, 2),
                random.Next(-1, 64), random.Next(3) == 0 ? null : Text(random), random.Next(3) == 0 ? null : Text(random));
        }
        var links = new LinkClass[size * size];
        bool followsHosts = random.Next(2) == 0;
        LinkClass intra = Other(random);
        LinkClass inter = Other(random);
        for (int a = 0; a < size; a++)
        {
            links[(a * size) + a] = LinkClass.Self;
            for (int b = a + 1; b < size; b++)
            {
                LinkClass link = followsHosts ? (hostIds[hostOf[a]] == hostIds[hostOf[b]] ? intra : inter) : Other(random);
                links[(a * size) + b] = link;
                links[(b * size) + a] = link;
            }
        }
        return new JobTopology(ranks, links);
    }

    private static LinkClass Other(Random random) => LinkClassNames.All[random.Next(1, LinkClassNames.All.Count)];

    private static string Text(Random random)
    {
        int pieces = random.Next(1, 6);
        return string.Concat(Enumerable.Range(0, pieces).Select(_ => Pieces[random.Next(Pieces.Length)]));
    }
}
