using Collectives.Kernels;
using Collectives.Topology;

namespace Collectives.Selection;

/// <summary>
/// Prices one step of an algorithm on an actual topology: a set of transfers that run at the
/// same time. A step lasts as long as its slowest transfer; a transfer between hosts shares its
/// host's network with every other transfer that leaves (or enters) that host in the same step,
/// which is what makes a flat ring across hosts slow and a hierarchical algorithm fast.
/// </summary>
internal sealed class StepCost
{
    private readonly JobTopology _topology;
    private readonly CostProfile _profile;
    private readonly long _workingSet;
    private readonly bool _inPlace;
    private readonly int[] _egress;
    private readonly int[] _ingress;
    private readonly int[] _fanOut;

    /// <param name="inPlace">Whether the call runs in place, which prices its bytes with <see cref="LinkCost.BetaInPlace"/>.</param>
    public StepCost(JobTopology topology, CostProfile profile, long workingSet, bool inPlace = false)
    {
        _inPlace = inPlace;
        _topology = topology;
        _profile = profile;
        _workingSet = Math.Max(1, workingSet);
        _egress = new int[topology.Hosts.Count];
        _ingress = new int[topology.Hosts.Count];
        _fanOut = new int[topology.Size];
    }

    public JobTopology Topology => _topology;

    /// <summary>
    /// Seconds for every (from, to) transfer of <paramref name="bytes"/> to finish, all started
    /// together. A rank sending several at once (a tree node feeding two children) shares its
    /// own bandwidth among them too.
    /// </summary>
    public double Step(IReadOnlyList<(int From, int To)> transfers, long bytes)
    {
        Array.Clear(_egress);
        Array.Clear(_ingress);
        Array.Clear(_fanOut);
        foreach ((int from, int to) in transfers)
        {
            _fanOut[from]++;
            int a = _topology.HostOf(from), b = _topology.HostOf(to);
            if (a != b)
            {
                _egress[a]++;
                _ingress[b]++;
            }
        }
        double slowest = 0;
        foreach ((int from, int to) in transfers)
        {
            if (from == to)
            {
                continue;
            }
            LinkCost cost = _profile.For(_topology.LinkBetween(from, to));
            int a = _topology.HostOf(from), b = _topology.HostOf(to);
            int concurrent = Math.Max(_fanOut[from], a == b ? 1 : Math.Max(_egress[a], _ingress[b]));
            int sharing = Math.Max(1, (concurrent + cost.Streams - 1) / cost.Streams);
            slowest = Math.Max(slowest, cost.Alpha + (bytes * BetaOf(cost, bytes) * sharing));
        }
        return slowest;
    }

    /// <summary>One step of a ring over <paramref name="members"/> (each sends to the next), <paramref name="bytes"/> each.</summary>
    public double RingStep(IReadOnlyList<int> members, long bytes) => Step(RingEdges(members), bytes);

    /// <summary>
    /// Seconds that reducing <paramref name="bytes"/> of <paramref name="type"/> as they arrive
    /// through <paramref name="arrivals"/> adds to their step. Every algorithm reduces a received
    /// chunk straight out of the frame its link hands over (CollectiveContext.ReceiveReduceAsync).
    /// Links that lend the payload in place (shared memory, in-process) hand over their own
    /// buffer, and a plain receive copies out of it: that copy is part of beta (tune measures
    /// beta on plain receives), and the reduce takes its place. Both stream memory, a copy two
    /// bytes per output byte and a two-input reduce three, so the reduce adds a third of gamma.
    /// Measured on 2 ranks over shared memory (2 cores), adding all of gamma predicted the
    /// all-reduce at 1.1-1.8x its measured time from 4 MiB up. Links that receive straight into the destination
    /// (TCP) stage the payload in a frame when it is to be reduced, so there the whole reduce is
    /// extra. A step with arrivals of both kinds pays the whole reduce.
    /// </summary>
    public double Reduce(long bytes, DataType type, IReadOnlyList<(int From, int To)> arrivals)
    {
        bool lent = true;
        foreach ((int from, int to) in arrivals)
        {
            lent &= from == to || LendsPayload(_topology.LinkBetween(from, to));
        }
        double full = _profile.ReduceTime(bytes, type, _workingSet);
        return lent ? full * ReduceBeyondCopy : full;
    }

    /// <summary>Seconds that reducing what arrives in one step of a ring over <paramref name="members"/> adds to it.</summary>
    public double RingReduce(IReadOnlyList<int> members, long bytes, DataType type) => Reduce(bytes, type, RingEdges(members));

    /// <summary>The share of a reduce's time left once the copy it replaces is paid for: one stream of three.</summary>
    private const double ReduceBeyondCopy = 1.0 / 3;

    /// <summary>Links whose received payload is read in place from the link's own memory (no transport-side copy into a frame).</summary>
    private static bool LendsPayload(LinkClass link) => link is LinkClass.SharedMemory or LinkClass.InProcess;

    private static (int From, int To)[] RingEdges(IReadOnlyList<int> members)
    {
        var transfers = new (int, int)[members.Count];
        for (int i = 0; i < members.Count; i++)
        {
            transfers[i] = (members[i], members[(i + 1) % members.Count]);
        }
        return transfers;
    }

    public long WorkingSet => _workingSet;

    /// <summary>
    /// Seconds per byte of a <paramref name="message"/>-byte transfer in this call. The curves are
    /// keyed by call size S as tune measured them: two ranks each sending S/2 within a working set
    /// of S. So a call's transfers are priced at its own size, except a message longer than half
    /// the call (recursive doubling sends the whole buffer), which is priced where tune measured
    /// messages that long, at 2 × message: what a message costs per byte beyond alpha falls as it
    /// grows (over loopback TCP tune measured 0.46 ns/B with 128 KiB messages, 0.33 with 512 KiB),
    /// and a key that large is in a cache regime no warmer than the call's own. Priced at the
    /// call's size, 256 KiB recursive doubling over TCP was predicted at 1.3x its measured time.
    /// </summary>
    private double BetaOf(LinkCost cost, long message) => cost.BetaFor(_inPlace).At(Math.Max(_workingSet, 2 * message));

    /// <summary>One local copy of <paramref name="bytes"/>: <paramref name="link"/>'s streaming cost without its latency.</summary>
    public double Copy(long bytes, LinkClass link) => bytes * _profile.For(link).BetaFor(_inPlace).At(_workingSet);

    /// <summary>The latency of one message over <paramref name="link"/>.</summary>
    public double Alpha(LinkClass link) => _profile.For(link).Alpha;
}
