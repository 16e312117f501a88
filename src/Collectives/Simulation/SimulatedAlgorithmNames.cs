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
        if (AlgorithmNames.TryParse(key, out Algorithm library))
        {
            (bool known, algorithm) = library switch
            {
                Algorithm.Ring => (true, SimulatedAlgorithm.Ring),
                Algorithm.HalvingDoubling => (true, SimulatedAlgorithm.HalvingDoubling),
                Algorithm.RecursiveDoubling => (true, SimulatedAlgorithm.RecursiveDoubling),
                _ => (false, default),
            };
            return known;
        }
        algorithm = default;
        return false;
    }
}
