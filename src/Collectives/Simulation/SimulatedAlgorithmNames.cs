namespace Collectives.Simulation;

/// <summary>The names simulated algorithms go by on the command line and in tables.</summary>
public static class SimulatedAlgorithmNames
{
    public static IReadOnlyList<SimulatedAlgorithm> All { get; } =
        [SimulatedAlgorithm.Ring, SimulatedAlgorithm.MultiRing, SimulatedAlgorithm.HalvingDoubling, SimulatedAlgorithm.RecursiveDoubling];

    public static string Name(SimulatedAlgorithm algorithm) => algorithm switch
    {
        SimulatedAlgorithm.Ring => AlgorithmNames.Name(Algorithm.Ring),
        SimulatedAlgorithm.MultiRing => "multi-ring",
        SimulatedAlgorithm.HalvingDoubling => AlgorithmNames.Name(Algorithm.HalvingDoubling),
        SimulatedAlgorithm.RecursiveDoubling => AlgorithmNames.Name(Algorithm.RecursiveDoubling),
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Unknown simulated algorithm."),
    };

    /// <summary>Parses <see cref="Name"/>'s names and the library's aliases ("hd", "rd"); "multiring" and "totient" for the multi-ring.</summary>
    public static bool TryParse(string text, out SimulatedAlgorithm algorithm)
    {
        string key = text.Trim().ToLowerInvariant();
        if (key is "multi-ring" or "multiring" or "totient" or "rings")
        {
            algorithm = SimulatedAlgorithm.MultiRing;
            return true;
        }
        if (AlgorithmNames.TryParse(key, out Algorithm library) && FromLibrary(library) is { } simulated)
        {
            algorithm = simulated;
            return true;
        }
        algorithm = default;
        return false;
    }

    /// <summary>The simulator's schedule for one of the library's own algorithms, or null where it has none (trees, hierarchical, pairwise, ...).</summary>
    public static SimulatedAlgorithm? FromLibrary(Algorithm algorithm) => algorithm switch
    {
        Algorithm.Ring => SimulatedAlgorithm.Ring,
        Algorithm.HalvingDoubling => SimulatedAlgorithm.HalvingDoubling,
        Algorithm.RecursiveDoubling => SimulatedAlgorithm.RecursiveDoubling,
        _ => null,
    };
}
