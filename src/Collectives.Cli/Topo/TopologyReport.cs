using System.Globalization;
using Collectives.Topology;

namespace Collectives.Cli.Topo;

/// <summary>
/// The text <c>collectives topo</c> prints for a topology: a summary line, the hosts, where each
/// rank runs, and the link classes as a matrix of one letter per pair, so that a misplaced rank
/// or a pair that fell back to TCP stands out at a glance.
/// </summary>
internal static class TopologyReport
{
    /// <summary>Larger jobs get no matrix: it would be wider than a terminal; --json has it.</summary>
    public const int MatrixPrintedUpTo = 64;

    public static void Write(JobTopology topology, TextWriter output)
    {
        output.WriteLine("topology: " + topology.Summary());
        output.WriteLine();
        output.WriteLine("hosts:");
        var hostTable = new List<string[]> { new[] { "host", "name", "id", "ranks" } };
        foreach (HostGroup host in topology.Hosts)
        {
            hostTable.Add([Number(host.Index), host.HostName, host.HostId, RankList(host.Ranks)]);
        }
        WriteTable(hostTable, output);
        output.WriteLine();
        output.WriteLine("ranks:");
        var rankTable = new List<string[]> { new[] { "rank", "host", "numa", "socket", "core", "interface", "address" } };
        foreach (RankPlacement rank in topology.Ranks)
        {
            rankTable.Add([Number(rank.Rank), Number(topology.HostOf(rank.Rank)), Known(rank.NumaNode), Known(rank.Socket), Known(rank.Core),
                rank.Interface ?? "-", rank.Address ?? "-"]);
        }
        WriteTable(rankTable, output);
        output.WriteLine();
        if (topology.Size > MatrixPrintedUpTo)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"links: {topology.Size} ranks are too many to print as a matrix; 'collectives topo --json' writes it."));
            return;
        }
        output.WriteLine("links (" + string.Join(", ", LinkClassNames.All.Select(l => Letter(l) + " " + LinkClassNames.Name(l))) + "):");
        int width = Number(topology.Size - 1).Length;
        output.WriteLine(new string(' ', width + 2) + string.Join(" ", Enumerable.Range(0, topology.Size).Select(r => Number(r % 10))));
        for (int a = 0; a < topology.Size; a++)
        {
            output.WriteLine("  " + Number(a).PadLeft(width) + " " +
                string.Join(" ", Enumerable.Range(0, topology.Size).Select(b => Letter(topology.LinkBetween(a, b)))));
        }
    }

    /// <summary>One letter per class; Self in capitals so the diagonal reads as a line.</summary>
    public static string Letter(LinkClass link) => link switch
    {
        LinkClass.Self => "S",
        LinkClass.InProcess => "i",
        LinkClass.SharedMemory => "s",
        LinkClass.Tcp => "t",
        LinkClass.Rdma => "r",
        LinkClass.OpticalCircuit => "o",
        _ => "?",
    };

    /// <summary>"0-3,8,10-11": consecutive ranks as ranges.</summary>
    public static string RankList(IReadOnlyList<int> ranks)
    {
        var parts = new List<string>();
        for (int i = 0; i < ranks.Count;)
        {
            int j = i;
            while (j + 1 < ranks.Count && ranks[j + 1] == ranks[j] + 1)
            {
                j++;
            }
            parts.Add(j == i ? Number(ranks[i]) : Number(ranks[i]) + "-" + Number(ranks[j]));
            i = j + 1;
        }
        return string.Join(",", parts);
    }

    private static void WriteTable(List<string[]> rows, TextWriter output)
    {
        int[] widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        foreach (string[] row in rows)
        {
            output.WriteLine("  " + string.Join("  ", row.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd());
        }
    }

    private static string Known(int value) => value < 0 ? "-" : Number(value);

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
