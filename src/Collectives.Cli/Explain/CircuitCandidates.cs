using System.Globalization;
using Collectives.Cli.Perf;
using Collectives.Cli.Sim;
using Collectives.Kernels;
using Collectives.Optical.Planning;
using Collectives.Optical.Switches;
using Collectives.Selection;
using Collectives.Simulation;
using Collectives.Topology;

namespace Collectives.Cli.Explain;

/// <summary>
/// The optical part of <c>collectives explain</c>: when hosts are joined by optical circuits,
/// every circuit-aware candidate (ring, multi-ring, halving-doubling with per-step circuits,
/// recursive doubling; two-level when hosts hold several ranks) with its predicted time
/// including reconfiguration, how often it changes the circuits, and the reconfiguration times
/// at which the winner would change. The circuits' alpha and port bandwidth are the cost
/// profile's optical-circuit class; the switch is a preset, optionally with another
/// reconfiguration time.
/// </summary>
internal static class CircuitCandidates
{
    public static string Render(CollectiveKind kind, DataType type, IReadOnlyList<long> sizes, JobTopology topology, CostProfile profile,
        OpticalSwitchSpec device, int degree, double? reconfiguration)
    {
        var text = new StringWriter(CultureInfo.InvariantCulture);
        text.WriteLine();
        if (kind is not (CollectiveKind.AllReduce or CollectiveKind.ReduceScatter or CollectiveKind.AllGather))
        {
            text.WriteLine($"# optical circuits: the circuit planner prices allreduce, reducescatter and allgather, not {CollectiveNames.Name(kind)}");
            return text.ToString();
        }
        int perHost = topology.MaxRanksPerHost;
        if (!topology.IsUniform)
        {
            text.WriteLine("# optical circuits: the circuit planner needs the same number of ranks on every host");
            return text.ToString();
        }
        LinkCost circuit = profile.For(LinkClass.OpticalCircuit);
        LinkCost inside = profile.For(topology.IntraHostClass ?? LinkClass.SharedMemory);
        var spec = new FabricSpec
        {
            Ranks = topology.Size,
            RanksPerNode = perHost,
            Electrical = false,
            Optical = true,
            Switch = device,
            Degree = degree,
            Reconfiguration = reconfiguration,
            Alpha = circuit.Alpha,
            PortBandwidth = 1 / circuit.Beta.Points[^1].SecondsPerByte,
            IntraAlpha = inside.Alpha,
            IntraBandwidth = 1 / inside.Beta.Points[^1].SecondsPerByte,
        };
        SimulatedFabric fabric = spec.Build(profile);
        double Reduce(long bytes, long workingSet) => profile.ReduceTime(bytes, type, workingSet);
        var options = new PlanOptions { IdleBeforeCall = double.PositiveInfinity };
        var simulator = new Simulator(fabric, Reduce, options);
        IReadOnlyList<SimulatedAlgorithm> algorithms = SimulatedAlgorithmNames.All;
        string shape = perHost > 1 ? $", each candidate a ring inside the hosts around the steps across them" : "";
        text.WriteLine($"# optical circuits across hosts: {fabric.Describe()}{shape}");
        text.WriteLine("# times include reconfiguration (the first configuration is installed before the call); [n] = changes during the call");
        text.Write($"{"size",12}");
        foreach (SimulatedAlgorithm algorithm in algorithms)
        {
            text.Write($"  {SimulatedAlgorithmNames.Name(algorithm),22}");
        }
        text.WriteLine("  chosen");
        var breakEvens = new List<string>();
        foreach (long bytes in sizes)
        {
            IReadOnlyList<SimulationResult> results = simulator.Compare(kind, bytes, algorithms);
            SimulationResult? best = results.Where(r => r.IsAvailable).MinBy(r => r.Seconds);
            text.Write($"{SizeParser.Format(bytes),12}");
            foreach (SimulationResult result in results)
            {
                string cell = result.IsAvailable ? $"{Micro(result.Seconds)} us [{result.Reconfigurations}]" : "-";
                text.Write($"  {(ReferenceEquals(result, best) ? "*" + cell : cell),22}");
            }
            text.WriteLine($"  {(best is null ? "-" : SimulatedAlgorithmNames.Name(best.Algorithm) + ": " + best.Plan)}");
            IReadOnlyList<BreakEven> flips = ReconfigurationBreakEven.Find(fabric, kind, bytes, algorithms, Reduce, options);
            breakEvens.Add($"# {SizeParser.Format(bytes)}: " + (flips.Count == 0
                ? "the winner is the same for any reconfiguration time"
                : string.Join("; ", flips.Select(f => f.Describe()))));
        }
        foreach (SimulationResult unavailable in simulator.Compare(kind, sizes[0], algorithms).Where(r => !r.IsAvailable))
        {
            text.WriteLine($"# {SimulatedAlgorithmNames.Name(unavailable.Algorithm)}: not considered ({unavailable.Unavailable})");
        }
        foreach (string line in breakEvens)
        {
            text.WriteLine(line);
        }
        return text.ToString();
    }

    private static string Micro(double seconds)
    {
        double us = seconds * 1e6;
        return us.ToString(us < 100 ? "0.00" : "0", CultureInfo.InvariantCulture);
    }
}
