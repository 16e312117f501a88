namespace Collectives.Cli.Perf;

/// <summary>One size of the sweep: its shape, both placements' results, and (with --predict) the selector's plan.</summary>
internal sealed record PerfRow(CollectiveLayout Layout, string TypeName, string OpName, int Root,
    PlacementResult OutOfPlace, PlacementResult InPlace, PerfPrediction? Prediction = null);
