using Collectives.Optical.Candidates;
using Collectives.Optical.Circuits;
using Collectives.Optical.Fabric;
using Collectives.Schedules;

namespace Collectives.Optical.Planning;

/// <summary>
/// The configurations a fixed circuit plan (<see cref="CircuitPlanKind"/>) lets the switch take,
/// and which of them the frames of each algorithm may use. The emulation's switch schedule and
/// the selector's model both take them from here, so they hold every call to the same
/// configurations. For <see cref="CircuitPlanKind.Auto"/> a ring uses the static ring alone and
/// halving-doubling and recursive doubling their per-step matchings; algorithms the model has no
/// plan for (trees, pairwise, hierarchical) may use any of them. The instances are shared between
/// <see cref="All"/> and <see cref="For"/>, so a configuration is recognised by reference.
/// </summary>
public sealed class CircuitPlanConfigurations
{
    private readonly IReadOnlyList<CircuitConfiguration> _ring;
    private readonly IReadOnlyList<CircuitConfiguration> _matchings;

    private CircuitPlanConfigurations(CircuitPlanKind kind, IReadOnlyList<CircuitConfiguration> all,
        IReadOnlyList<CircuitConfiguration> ring, IReadOnlyList<CircuitConfiguration> matchings)
    {
        Kind = kind;
        All = all;
        _ring = ring;
        _matchings = matchings;
    }

    public CircuitPlanKind Kind { get; }

    /// <summary>Every configuration of the plan, in plan order; the first is lit when the job starts. Empty for a single node.</summary>
    public IReadOnlyList<CircuitConfiguration> All { get; }

    /// <summary>The plan's configurations on <paramref name="fabric"/>.</summary>
    public static CircuitPlanConfigurations Build(CircuitFabric fabric, CircuitPlanKind kind)
    {
        ArgumentNullException.ThrowIfNull(fabric);
        if (fabric.Nodes < 2)
        {
            return new CircuitPlanConfigurations(kind, [], [], []);
        }
        IReadOnlyList<CircuitConfiguration> all = kind switch
        {
            CircuitPlanKind.Ring => [CandidateConfigurations.StaticRing(fabric)],
            CircuitPlanKind.Rings => [CandidateConfigurations.MultiRing(fabric)],
            CircuitPlanKind.Matchings => Matchings(fabric),
            // The ring first: a job starts where its ring calls need no change, and a ring call never leaves it.
            _ => [CandidateConfigurations.StaticRing(fabric), .. Matchings(fabric)],
        };
        return kind == CircuitPlanKind.Auto
            ? new CircuitPlanConfigurations(kind, all, all.Take(1).ToArray(), all.Skip(1).ToArray())
            : new CircuitPlanConfigurations(kind, all, all, all);
    }

    /// <summary>The configurations frames of <paramref name="algorithm"/> may use, in plan order.</summary>
    public IReadOnlyList<CircuitConfiguration> For(Algorithm algorithm) => Kind != CircuitPlanKind.Auto
        ? All
        : algorithm switch
        {
            Algorithm.Ring => _ring,
            Algorithm.HalvingDoubling or Algorithm.RecursiveDoubling => _matchings,
            _ => All,
        };

    /// <summary>"ring", "rings", "matchings", "auto"; the name <c>plan=</c> reads.</summary>
    public static string Name(CircuitPlanKind kind) => kind switch
    {
        CircuitPlanKind.Ring => "ring",
        CircuitPlanKind.Rings => "rings",
        CircuitPlanKind.Matchings => "matchings",
        _ => "auto",
    };

    /// <summary>What <paramref name="algorithm"/> runs on under <paramref name="kind"/>: the plan's name, or for auto "matchings (auto)" and "ring (auto)".</summary>
    public static string NameFor(CircuitPlanKind kind, Algorithm algorithm) => kind != CircuitPlanKind.Auto
        ? Name(kind)
        : algorithm switch
        {
            Algorithm.Ring => "ring (auto)",
            Algorithm.HalvingDoubling or Algorithm.RecursiveDoubling => "matchings (auto)",
            _ => "ring and matchings (auto)",
        };

    /// <summary>
    /// Halving-doubling's matchings in the order its all-reduce takes them: the fold's hand-over,
    /// masks p/2 down to 1, the hand-back; each on every port.
    /// </summary>
    private static CircuitConfiguration[] Matchings(CircuitFabric fabric)
    {
        var fold = new PowerOfTwoFold(fabric.Nodes);
        var patterns = new List<FlowPattern>();
        if (fold.Fold is { } handOver)
        {
            patterns.Add(handOver);
        }
        for (int mask = fold.Active >> 1; mask >= 1; mask >>= 1)
        {
            patterns.Add(fold.Exchange(mask));
        }
        if (fold.Unfold is { } handBack)
        {
            patterns.Add(handBack);
        }
        // Every layer of one matching fits one plane, so ForPattern never gives up here.
        return patterns.Select(p => CircuitConfiguration.ForPattern(p, fabric.Degree)!).ToArray();
    }
}
