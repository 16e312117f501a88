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
    private readonly int[] _egress;
    private readonly int[] _ingress;
    private readonly int[] _fanOut;

    public StepCost(JobTopology topology, CostProfile profile, long workingSet)
    {
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
            slowest = Math.Max(slowest, cost.Alpha + (bytes * cost.Beta.At(_workingSet) * sharing));
        }
        return slowest;
    }

    /// <summary>One step of a ring over <paramref name="members"/> (each sends to the next), <paramref name="bytes"/> each.</summary>
    public double RingStep(IReadOnlyList<int> members, long bytes)
    {
        var transfers = new (int, int)[members.Count];
        for (int i = 0; i < members.Count; i++)
        {
            transfers[i] = (members[i], members[(i + 1) % members.Count]);
        }
        return Step(transfers, bytes);
    }

    /// <summary>Seconds to reduce <paramref name="bytes"/> of <paramref name="type"/> once.</summary>
    public double Reduce(long bytes, DataType type) => _profile.ReduceTime(bytes, type, _workingSet);

    public long WorkingSet => _workingSet;

    /// <summary>One local copy of <paramref name="bytes"/>: <paramref name="link"/>'s streaming cost without its latency.</summary>
    public double Copy(long bytes, LinkClass link) => bytes * _profile.For(link).Beta.At(_workingSet);

    /// <summary>The latency of one message over <paramref name="link"/>.</summary>
    public double Alpha(LinkClass link) => _profile.For(link).Alpha;
}
