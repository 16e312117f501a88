using Collectives.Kernels;
using Collectives.Simulation;

namespace Collectives.Cli.Sim;

/// <summary>What <c>collectives sim</c> was asked: the fabric, what to price on it, and how to print it.</summary>
internal sealed record SimOptions
{
    public FabricSpec Fabric { get; init; } = new();

    /// <summary>Where the fabric came from: "flags" or the fabric file's path.</summary>
    public string FabricSource { get; init; } = "flags";

    public IReadOnlyList<CollectiveKind> Collectives { get; init; } = [CollectiveKind.AllReduce];

    public IReadOnlyList<SimulatedAlgorithm> Algorithms { get; init; } = SimulatedAlgorithmNames.All;

    public IReadOnlyList<long> Sizes { get; init; } = [8, 64 << 10, 1 << 20, 16 << 20, 256 << 20];

    public DataType DataType { get; init; } = DataType.Float32;

    public string? TuneFile { get; init; }

    public bool UseP99 { get; init; }

    /// <summary>Seconds the links sit idle before each call; infinite by default: the first configuration is in place when the call starts.</summary>
    public double IdleBeforeCall { get; init; } = double.PositiveInfinity;

    public bool BreakEven { get; init; }

    public bool Json { get; init; }

    /// <summary>Where to draw the plot (.svg or .png), or null.</summary>
    public string? Plot { get; init; }
}
