using Collectives.Kernels;
using Collectives.Topology;

namespace Collectives.Selection;

/// <summary>
/// Predicted time of each algorithm: its steps, each priced on the actual topology by
/// <see cref="StepCost"/> (alpha per message, bytes × beta with transfers that leave one host
/// sharing its network), plus the bytes it reduces × gamma, summed along the critical path.
/// <c>bytes</c> is the nccl-tests size of the call: the buffer for all-reduce, broadcast and
/// reduce, the whole output for all-gather, the whole input for reduce-scatter and all-to-all.
/// Pure: no I/O, the same number on every rank for the same inputs.
/// </summary>
public static class CostModel
{
    /// <summary>
    /// Seconds <paramref name="algorithm"/> should take, or null when it cannot run <paramref name="kind"/> here.
    /// <paramref name="inPlace"/> prices the call made in place (where the profile measured that apart).
    /// </summary>
    public static double? Predict(CollectiveKind kind, Algorithm algorithm, DataType type, long bytes, JobTopology topology,
        CostProfile profile, int chunkBytes = CommunicatorOptions.DefaultChunkBytes, int channels = 1, bool inPlace = false)
    {
        ArgumentNullException.ThrowIfNull(topology);
        ArgumentNullException.ThrowIfNull(profile);
        if (!AlgorithmCatalog.Supports(kind, algorithm))
        {
            return null;
        }
        int n = topology.Size;
        if (n == 1)
        {
            return 0;
        }
        var cost = new StepCost(topology, profile, bytes, inPlace);
        int[] all = Enumerable.Range(0, n).ToArray();
        long chunk = Math.Max(1, Math.Min(chunkBytes, Math.Max(bytes, 1)));
        return (kind, algorithm) switch
        {
            (CollectiveKind.AllReduce, Algorithm.Ring) => channels > 1 ? MultiChannelRing(cost, all, bytes, type, channels) : RingAllReduce(cost, all, bytes, type),
            (CollectiveKind.AllReduce, Algorithm.RecursiveDoubling) => RecursiveDoubling(cost, all, bytes, type),
            (CollectiveKind.AllReduce, Algorithm.HalvingDoubling) => HalvingDoubling(cost, all, bytes, type),
            (CollectiveKind.AllReduce, Algorithm.Tree) => TreeAllReduce(cost, n, bytes, type, chunk),
            (CollectiveKind.AllReduce, Algorithm.Hierarchical) => Hierarchical(cost, bytes, type, crossRing: false),
            (CollectiveKind.AllReduce, Algorithm.TwoDimensionalRing) => Hierarchical(cost, bytes, type, crossRing: true),
            (CollectiveKind.ReduceScatter, Algorithm.Ring) => ((n - 1) * cost.RingStep(all, bytes / n)) + ((n - 1) * cost.RingReduce(all, bytes / n, type)),
            (CollectiveKind.AllGather or CollectiveKind.Split, Algorithm.Ring) => (n - 1) * cost.RingStep(all, bytes / n),
            (CollectiveKind.AllGather, Algorithm.Hierarchical) => topology.IsUniform
                ? TwoLevel(cost, bytes, type, reduces: false)
                : LaneAllGather(cost, bytes, chunk),
            (CollectiveKind.ReduceScatter, Algorithm.Hierarchical) => topology.IsUniform
                ? TwoLevel(cost, bytes, type, reduces: true)
                : LaneReduceScatter(cost, bytes, type),
            (CollectiveKind.Broadcast, Algorithm.Ring) => Pipeline(cost, ChainEdges(n), n - 1, bytes, chunk),
            (CollectiveKind.Broadcast, Algorithm.Tree) => Pipeline(cost, TreeEdges(n), TreeDepth(n), bytes, chunk),
            (CollectiveKind.Reduce, Algorithm.Tree) => Pipeline(cost, TreeEdges(n), TreeDepth(n), bytes, chunk) + cost.Reduce(bytes, type, TreeEdges(n)),
            (CollectiveKind.AllToAll, Algorithm.Pairwise) => PairwiseAllToAll(cost, n, bytes),
            (CollectiveKind.Barrier, Algorithm.Dissemination) => Dissemination(cost, n),
            _ => null,
        };
    }

    private static double RingAllReduce(StepCost cost, IReadOnlyList<int> members, long bytes, DataType type)
    {
        int n = members.Count;
        long block = bytes / n;
        return (2 * (n - 1) * cost.RingStep(members, block)) + ((n - 1) * cost.RingReduce(members, block, type));
    }

    /// <summary>Whether <paramref name="algorithm"/> of <paramref name="kind"/> pipelines chunks down a chain or tree, so its chunk size matters.</summary>
    public static bool Pipelines(CollectiveKind kind, Algorithm algorithm) => (kind, algorithm) is
        (CollectiveKind.Broadcast, Algorithm.Ring) or (CollectiveKind.Broadcast, Algorithm.Tree) or
        (CollectiveKind.Reduce, Algorithm.Tree) or (CollectiveKind.AllReduce, Algorithm.Tree);

    /// <summary>Whether <paramref name="algorithm"/> of <paramref name="kind"/> can split across channels.</summary>
    public static bool UsesChannels(CollectiveKind kind, Algorithm algorithm) => kind == CollectiveKind.AllReduce && algorithm == Algorithm.Ring;

    // C rings side by side on 1/C of the buffer each, odd ones turning the other way: every rank
    // sends C transfers per step, which share its bandwidth unless the link runs several streams.
    private static double MultiChannelRing(StepCost cost, IReadOnlyList<int> members, long bytes, DataType type, int channels)
    {
        int n = members.Count;
        var transfers = new List<(int, int)>();
        for (int channel = 0; channel < channels; channel++)
        {
            for (int i = 0; i < n; i++)
            {
                transfers.Add(channel % 2 == 0 ? (members[i], members[(i + 1) % n]) : (members[i], members[(i + n - 1) % n]));
            }
        }
        long block = bytes / n / channels;
        return (2 * (n - 1) * cost.Step(transfers, block)) + ((n - 1) * cost.Reduce(bytes / n, type, transfers));
    }

    // log2 p exchanges of the whole buffer among p = largest power of two ≤ n, after the extra
    // ranks fold in (one step) and before they get the result back (one more).
    private static double RecursiveDoubling(StepCost cost, IReadOnlyList<int> members, long bytes, DataType type)
    {
        (int p, int extra) = Fold(members.Count);
        double time = extra > 0 ? (2 * cost.Step(FoldEdges(members, extra), bytes)) + cost.Reduce(bytes, type, FoldEdges(members, extra)) : 0;
        for (int mask = 1; mask < p; mask <<= 1)
        {
            List<(int, int)> exchange = ExchangeEdges(members, p, extra, mask);
            time += cost.Step(exchange, bytes) + cost.Reduce(bytes, type, exchange);
        }
        return time;
    }

    // Recursive halving (sizes S/2, S/4, ...) then recursive doubling back, folded like above.
    private static double HalvingDoubling(StepCost cost, IReadOnlyList<int> members, long bytes, DataType type)
    {
        (int p, int extra) = Fold(members.Count);
        double time = extra > 0 ? (2 * cost.Step(FoldEdges(members, extra), bytes)) + cost.Reduce(bytes, type, FoldEdges(members, extra)) : 0;
        long part = bytes;
        for (int mask = p >> 1; mask >= 1; mask >>= 1)
        {
            part /= 2;
            List<(int, int)> exchange = ExchangeEdges(members, p, extra, mask);
            double step = cost.Step(exchange, part);
            time += (2 * step) + cost.Reduce(part, type, exchange);
        }
        return time;
    }

    // Up and down waves run at once, chunk by chunk: depth to fill the pipe, then one chunk per
    // step; an inner node feeds two children, so its chunks take twice as long to leave.
    private static double TreeAllReduce(StepCost cost, int n, long bytes, DataType type, long chunk) =>
        (2 * Pipeline(cost, TreeEdges(n), TreeDepth(n), bytes, chunk)) + cost.Reduce(bytes, type, TreeEdges(n));

    private static double Pipeline(StepCost cost, IReadOnlyList<(int, int)> edges, int depth, long bytes, long chunk)
    {
        long chunks = Math.Max(1, (bytes + chunk - 1) / chunk);
        double perChunk = cost.Step(edges, Math.Min(chunk, bytes));
        return (depth + chunks - 1) * perChunk;
    }

    /// <summary>
    /// Reduce-scatter inside hosts (the largest host sets the pace), an all-reduce across hosts
    /// of each host's shard by all local ranks at once, all-gather inside hosts. Across hosts the
    /// host with the fewest ranks is the bottleneck: its ranks own the most pieces.
    /// </summary>
    private static double Hierarchical(StepCost cost, long bytes, DataType type, bool crossRing)
    {
        JobTopology topology = cost.Topology;
        double intra = 0;
        foreach (HostGroup host in topology.Hosts)
        {
            int local = host.Count;
            if (local > 1)
            {
                long block = bytes / local;
                intra = Math.Max(intra, (2 * (local - 1) * cost.RingStep(host.Ranks, block)) + ((local - 1) * cost.RingReduce(host.Ranks, block, type)));
            }
        }
        int hosts = topology.Hosts.Count;
        if (hosts == 1)
        {
            return intra;
        }
        // One group per local index, every local rank of a host at once, so their transfers
        // share each host's network in the step pricing.
        int maxLocal = topology.MaxRanksPerHost;
        int minLocal = topology.Hosts.Min(h => h.Count);
        long shard = bytes / maxLocal;
        double across = crossRing
            ? RingAllReduceConcurrent(cost, topology, maxLocal, minLocal, shard, type)
            : HalvingDoublingConcurrent(cost, topology, maxLocal, minLocal, shard, type);
        return intra + across;
    }

    /// <summary>
    /// The two-level all-gather (rings across hosts per column, then inside hosts) and
    /// reduce-scatter (inside, then across), on equal hosts: H−1 cross steps of one block with
    /// every column at once, L−1 inside steps of a column (H blocks), plus packing the blocks
    /// (one copy of the whole buffer at the inside links' speed).
    /// </summary>
    private static double TwoLevel(StepCost cost, long bytes, DataType type, bool reduces)
    {
        JobTopology topology = cost.Topology;
        int hosts = topology.Hosts.Count;
        int local = topology.MaxRanksPerHost;
        long block = bytes / topology.Size;
        List<(int, int)> across = RingsAcross(local, j => GroupOf(topology, j));
        double time = (hosts - 1) * cost.Step(across, block);
        double inside = 0;
        foreach (HostGroup host in topology.Hosts)
        {
            inside = Math.Max(inside, (local - 1) * cost.RingStep(host.Ranks, hosts * block));
        }
        time += inside + cost.Copy(bytes, topology.IntraHostClass ?? LinkClass.SharedMemory);
        if (reduces)
        {
            double insideReduce = topology.Hosts.Max(h => cost.RingReduce(h.Ranks, hosts * block, type));
            time += ((local - 1) * insideReduce) + ((hosts - 1) * cost.Reduce(block, type, across));
        }
        return time;
    }

    /// <summary>
    /// The all-gather on unequal hosts (UnevenHierarchicalAllGather): a ring inside each host
    /// over its own blocks; M lanes (M = most ranks on a host) each ring across hosts among their
    /// owners, priced as if all ran at once (shared sends are shared bandwidth) plus the extra
    /// latencies of the lanes a small host's ranks run in turn; then every lane's owner
    /// broadcasts each other host's lane down a chain inside its host, one after another.
    /// </summary>
    private static double LaneAllGather(StepCost cost, long bytes, long chunk)
    {
        JobTopology topology = cost.Topology;
        int hosts = topology.Hosts.Count, lanes = topology.MaxRanksPerHost, minLocal = topology.Hosts.Min(h => h.Count);
        long block = bytes / topology.Size;
        double inside = topology.Hosts.Max(h => h.Count > 1 ? (h.Count - 1) * cost.RingStep(h.Ranks, block) : 0);
        // Every step of a lane ring forwards some host's lane, so every step carries the largest
        // one somewhere and lasts as long as that transfer: the largest host's lane, M blocks cut
        // into M lanes, one block. (Priced at the mean lane before, 2+1+3 hosts at 1 Gbit/s came
        // out at 436 ms against 653-673 measured.)
        long lane = bytes / ((long)hosts * lanes);
        List<(int, int)> across = RingsAcross(lanes, s => GroupOf(topology, s));
        double ring = ((hosts - 1) * cost.Step(across, block)) + SequentialGroups(cost, topology, lanes, minLocal, hosts - 1);
        double broadcasts = 0;
        foreach (HostGroup host in topology.Hosts.Where(h => h.Count > 1))
        {
            var chain = Enumerable.Range(0, host.Count - 1).Select(i => (host.Ranks[i], host.Ranks[i + 1])).ToList();
            long piece = Math.Max(1, Math.Min(chunk, lane));
            long chunks = Math.Max(1, (lane + piece - 1) / piece);
            double one = (host.Count - 2 + chunks) * cost.Step(chain, piece);
            broadcasts = Math.Max(broadcasts, lanes * (hosts - 1) * one);
        }
        return inside + ring + broadcasts;
    }

    /// <summary>
    /// The reduce-scatter on unequal hosts (UnevenHierarchicalReduceScatter): the input laid out
    /// lane by lane (one copy); a ring reduce-scatter inside each host over runs of whole lanes,
    /// paced by the longest run (⌈M/n⌉ lanes of n·B/M); M lane rings across hosts among their
    /// owners, priced as if all ran at once plus the extra latencies of the lanes a small host's
    /// ranks run in turn; then n−1 pairwise steps inside each host, in which a rank hands out what
    /// it holds beyond its own block (mostly to one neighbour: one step carries it, the rest are empty).
    /// </summary>
    private static double LaneReduceScatter(StepCost cost, long bytes, DataType type)
    {
        JobTopology topology = cost.Topology;
        int hosts = topology.Hosts.Count, lanes = topology.MaxRanksPerHost, minLocal = topology.Hosts.Min(h => h.Count);
        long block = bytes / topology.Size;
        long lane = bytes / lanes;
        double inside = 0, handOut = 0;
        foreach (HostGroup host in topology.Hosts.Where(h => h.Count > 1))
        {
            int runLanes = (lanes + host.Count - 1) / host.Count;
            long run = runLanes * lane;
            inside = Math.Max(inside, (host.Count - 1) * (cost.RingStep(host.Ranks, run) + cost.RingReduce(host.Ranks, run, type)));
            long spill = Math.Max(0, (host.Count * block * runLanes / lanes) - block);
            handOut = Math.Max(handOut, ((host.Count - 2) * cost.RingStep(host.Ranks, 0)) + cost.RingStep(host.Ranks, spill));
        }
        // As in the all-gather, every lane ring step carries the largest host's segment of the lane
        // somewhere (one block) and lasts as long as that transfer and its reduce.
        List<(int, int)> across = RingsAcross(lanes, s => LaneRunOwners(topology, s));
        double rings = ((hosts - 1) * (cost.Step(across, block) + cost.Reduce(block, type, across)))
            + SequentialGroups(cost, topology, lanes, minLocal, hosts - 1);
        return cost.Copy(bytes, topology.IntraHostClass ?? LinkClass.SharedMemory) + inside + rings + handOut;
    }

    // One cross-host ring all-reduce of a shard per local index, all running at once.
    private static double RingAllReduceConcurrent(StepCost cost, JobTopology topology, int maxLocal, int minLocal, long shard, DataType type)
    {
        int hosts = topology.Hosts.Count;
        List<(int, int)> transfers = RingsAcross(maxLocal, j => GroupOf(topology, j));
        long block = shard / hosts;
        int steps = 2 * (hosts - 1);
        return (steps * cost.Step(transfers, block)) + ((hosts - 1) * cost.Reduce(block, type, transfers)) + SequentialGroups(cost, topology, maxLocal, minLocal, steps);
    }

    // One cross-host halving-doubling all-reduce of a shard per local index, all running at once.
    private static double HalvingDoublingConcurrent(StepCost cost, JobTopology topology, int maxLocal, int minLocal, long shard, DataType type)
    {
        int hosts = topology.Hosts.Count;
        (int p, int extra) = Fold(hosts);
        double time = 0;
        if (extra > 0)
        {
            var fold = new List<(int, int)>();
            for (int j = 0; j < maxLocal; j++)
            {
                fold.AddRange(FoldEdges(GroupOf(topology, j), extra));
            }
            time += (2 * cost.Step(fold, shard)) + cost.Reduce(shard, type, fold);
        }
        long part = shard;
        for (int mask = p >> 1; mask >= 1; mask >>= 1)
        {
            part /= 2;
            var exchange = new List<(int, int)>();
            for (int j = 0; j < maxLocal; j++)
            {
                exchange.AddRange(ExchangeEdges(GroupOf(topology, j), p, extra, mask));
            }
            time += (2 * cost.Step(exchange, part)) + cost.Reduce(part, type, exchange);
        }
        int steps = (2 * (31 - int.LeadingZeroCount(p))) + (extra > 0 ? 2 : 0);
        return time + SequentialGroups(cost, topology, maxLocal, minLocal, steps);
    }

    // All groups are priced as if they ran at once (the step pricing shares each host's network
    // and each rank's sends among them, which is what bandwidth sees). A rank of a small host
    // that owns several pieces runs their groups one after another, paying their latencies in
    // turn: add those rounds' alphas.
    private static double SequentialGroups(StepCost cost, JobTopology topology, int maxLocal, int minLocal, int steps)
    {
        int rounds = (maxLocal + minLocal - 1) / minLocal;
        return (rounds - 1) * steps * cost.Alpha(topology.InterHostClass ?? LinkClass.Tcp);
    }

    private static int[] GroupOf(JobTopology topology, int localIndex) =>
        topology.Hosts.Select(h => h.Ranks[localIndex % h.Count]).ToArray();

    // The owners of lane s in the unequal-host reduce-scatter, one per host: each host gives its
    // ranks runs of whole lanes, local rank ⌊s·n/M⌋ owning lane s.
    private static int[] LaneRunOwners(JobTopology topology, int lane) =>
        topology.Hosts.Select(h => h.Ranks[lane * h.Count / topology.MaxRanksPerHost]).ToArray();

    // The edges of count rings that run at once, ring i around group(i) (one rank per host, in host order).
    private static List<(int, int)> RingsAcross(int count, Func<int, int[]> group)
    {
        var edges = new List<(int, int)>();
        for (int i = 0; i < count; i++)
        {
            int[] members = group(i);
            for (int h = 0; h < members.Length; h++)
            {
                edges.Add((members[h], members[(h + 1) % members.Length]));
            }
        }
        return edges;
    }

    private static double PairwiseAllToAll(StepCost cost, int n, long bytes)
    {
        double time = 0;
        for (int step = 1; step < n; step++)
        {
            var transfers = new (int, int)[n];
            for (int r = 0; r < n; r++)
            {
                transfers[r] = (r, (r + step) % n);
            }
            time += cost.Step(transfers, bytes / n);
        }
        return time;
    }

    private static double Dissemination(StepCost cost, int n)
    {
        double time = 0;
        for (int distance = 1; distance < n; distance <<= 1)
        {
            var transfers = new (int, int)[n];
            for (int r = 0; r < n; r++)
            {
                transfers[r] = (r, (r + distance) % n);
            }
            time += cost.Step(transfers, 0);
        }
        return time;
    }

    private static (int Active, int Extra) Fold(int n)
    {
        int p = 1 << (31 - int.LeadingZeroCount(n));
        return (p, n - p);
    }

    // Member 2i hands its data to 2i+1 for i < extra (PowerOfTwoFold).
    private static List<(int, int)> FoldEdges(IReadOnlyList<int> members, int extra)
    {
        var edges = new List<(int, int)>();
        for (int i = 0; i < extra; i++)
        {
            edges.Add((members[2 * i], members[(2 * i) + 1]));
        }
        return edges;
    }

    // Every active member swaps with the one across bit <paramref name="mask"/> of its virtual rank.
    private static List<(int, int)> ExchangeEdges(IReadOnlyList<int> members, int p, int extra, int mask)
    {
        var edges = new List<(int, int)>();
        for (int v = 0; v < p; v++)
        {
            edges.Add((members[Real(v, extra)], members[Real(v ^ mask, extra)]));
        }
        return edges;
    }

    private static int Real(int virtualRank, int extra) => virtualRank < extra ? (2 * virtualRank) + 1 : virtualRank + extra;

    private static List<(int, int)> ChainEdges(int n) => Enumerable.Range(0, n - 1).Select(r => (r, r + 1)).ToList();

    // A binary heap rooted at 0: node v feeds 2v+1 and 2v+2.
    private static List<(int, int)> TreeEdges(int n)
    {
        var edges = new List<(int, int)>();
        for (int v = 1; v < n; v++)
        {
            edges.Add(((v - 1) / 2, v));
        }
        return edges;
    }

    // Hops from the root to the deepest leaf of the heap: ⌊log2 n⌋.
    private static int TreeDepth(int n) => 31 - int.LeadingZeroCount(n);
}
