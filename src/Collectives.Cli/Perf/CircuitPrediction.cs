using Collectives.Kernels;
using Collectives.Optical.Circuits;
using Collectives.Optical.Fabric;
using Collectives.Selection;
using Collectives.Simulation;
using Collectives.Topology;
using Collectives.Transport.Circuits;

namespace Collectives.Cli.Perf;

/// <summary>
/// What the optical model predicts for a call run under emulated circuits (perf --predict with
/// COLLECTIVES_CIRCUITS): the simulator, on the fabric the spec describes, with the switch held
/// to the spec's plan (the configurations the emulation takes), the algorithm the call ran,
/// messages starting at the real transport's alpha and reductions at the cost profile's speed.
/// The circuits start in the plan's first configuration, as the emulation does and as an
/// all-reduce leaves them (its last step is its first step's pattern).
/// </summary>
internal static class CircuitPrediction
{
    public static PerfPrediction Predict(Communicator communicator, CircuitSpec spec, CollectiveKind kind, DataType type, long bytes)
    {
        string algorithm = AlgorithmNames.Name(communicator.Plan(kind, type, bytes).Algorithm);
        string label = $"{algorithm} on {CircuitSpecParser.PlanName(spec.Plan)}";
        if (communicator.Size < 2 || kind is not (CollectiveKind.AllReduce or CollectiveKind.ReduceScatter or CollectiveKind.AllGather) ||
            !SimulatedAlgorithmNames.TryParse(algorithm, out SimulatedAlgorithm simulated))
        {
            // The model has step schedules for these three collectives, by ring, halving-doubling and recursive doubling only.
            return new PerfPrediction(label, double.NaN);
        }
        CostProfile profile = communicator.Options.CostProfile ?? CostDefaults.Profile;
        double alpha = profile.For(LinkClassNames.FromTransportName(communicator.TransportTo((communicator.Rank + 1) % communicator.Size))).Alpha;
        CircuitFabric fabric = spec.BuildFabric(communicator.Size, alpha);
        IReadOnlyList<CircuitConfiguration> plan = spec.PlanConfigurations(fabric);
        var emulated = new SimulatedFabric { Ranks = communicator.Size, Optical = fabric with { Current = plan[0] } };
        var simulator = new Simulator(emulated, (reduced, workingSet) => profile.ReduceTime(reduced, type, workingSet), circuitCandidates: plan);
        SimulationResult result = simulator.Predict(kind, simulated, bytes);
        return new PerfPrediction(label, result.Unavailable is null ? result.Seconds * 1e6 : double.NaN);
    }
}
