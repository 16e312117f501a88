using Collectives.Kernels;
using Collectives.Optical.Planning;
using Collectives.Selection;
using Collectives.Transport.Circuits;

namespace Collectives.Cli.Perf;

/// <summary>
/// What perf --predict prints under emulated circuits (COLLECTIVES_CIRCUITS): the selector's own
/// choice and price for the call (<see cref="Communicator.Plan"/>), which for all-reduce,
/// reduce-scatter and all-gather come from the optical circuit model (<see cref="CircuitCostModel"/>:
/// the simulator on the spec's fabric, held to the configurations the plan gives the algorithm).
/// Other collectives get no time: the cost model's does not see the circuits.
/// </summary>
internal static class CircuitPrediction
{
    public static PerfPrediction Predict(Communicator communicator, CircuitSpec spec, CollectiveKind kind, DataType type, long bytes)
    {
        AlgorithmChoice choice = communicator.Plan(kind, type, bytes);
        string label = $"{AlgorithmNames.Name(choice.Algorithm)} on {CircuitPlanConfigurations.NameFor(spec.Plan, choice.Algorithm)}";
        return new PerfPrediction(label, CircuitCostModel.Prices(kind, communicator.Size) ? choice.PredictedSeconds * 1e6 : double.NaN);
    }
}
