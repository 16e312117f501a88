namespace Collectives.Cli.Perf;

/// <summary>One size of the sweep: its shape and both placements' results.</summary>
internal sealed record PerfRow(CollectiveLayout Layout, string TypeName, string OpName, int Root,
    PlacementResult OutOfPlace, PlacementResult InPlace);
