namespace Collectives;

/// <summary>The names algorithms go by in options, environment variables and messages.</summary>
public static class AlgorithmNames
{
    public static string Name(Algorithm algorithm) => algorithm switch
    {
        Algorithm.Direct => "direct",
        Algorithm.Ring => "ring",
        Algorithm.Tree => "tree",
        Algorithm.HalvingDoubling => "halving-doubling",
        Algorithm.Pairwise => "pairwise",
        Algorithm.Dissemination => "dissemination",
        Algorithm.RecursiveDoubling => "recursive-doubling",
        Algorithm.Hierarchical => "hierarchical",
        Algorithm.TwoDimensionalRing => "2d-ring",
        _ => $"algorithm({(byte)algorithm})",
    };

    /// <summary>Parses a user-facing name; accepts common aliases ("hd", "rabenseifner").</summary>
    public static bool TryParse(string text, out Algorithm algorithm)
    {
        switch (text.Trim().ToLowerInvariant())
        {
            case "ring": algorithm = Algorithm.Ring; return true;
            case "tree": algorithm = Algorithm.Tree; return true;
            case "halving-doubling" or "halvingdoubling" or "hd" or "rabenseifner":
                algorithm = Algorithm.HalvingDoubling; return true;
            case "pairwise": algorithm = Algorithm.Pairwise; return true;
            case "dissemination": algorithm = Algorithm.Dissemination; return true;
            case "recursive-doubling" or "recursivedoubling" or "rd":
                algorithm = Algorithm.RecursiveDoubling; return true;
            case "hierarchical" or "hier":
                algorithm = Algorithm.Hierarchical; return true;
            case "2d-ring" or "2d" or "two-dimensional-ring" or "ring2d":
                algorithm = Algorithm.TwoDimensionalRing; return true;
            default: algorithm = default; return false;
        }
    }

    public static bool IsDefined(Algorithm algorithm) => algorithm is >= Algorithm.Direct and <= Algorithm.TwoDimensionalRing;
}
