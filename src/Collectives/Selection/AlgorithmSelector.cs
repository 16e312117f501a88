using System.Globalization;
using Collectives.Kernels;
using Collectives.Optical.Planning;
using Collectives.Simulation;
using Collectives.Topology;

namespace Collectives.Selection;

/// <summary>
/// Picks the algorithm for a call: the argmin of <see cref="CostModel.Predict"/> over the
/// collective's algorithms that can run on this topology, ties to the earlier one in
/// <see cref="AlgorithmCatalog"/>. Under emulated circuits (a <see cref="CircuitCostModel"/>),
/// all-reduce, reduce-scatter and all-gather are priced by the optical model instead, among the
/// algorithms it has schedules for. A pure function of (collective, element type, size,
/// topology, cost profile, circuits, overrides): every rank computes the same answer with no I/O.
/// </summary>
public static class AlgorithmSelector
{
    /// <summary>
    /// The choice for one call; a forced algorithm (COLLECTIVES_ALGO, options) always wins: every
    /// algorithm of a collective runs on every topology, a hierarchy of one level included.
    /// </summary>
    internal static AlgorithmChoice Choose(CollectiveKind kind, DataType type, long bytes, JobTopology topology, CostProfile profile,
        AlgorithmOverrides overrides, int chunkBytes, int maxChannels = 1, CircuitCostModel? circuits = null)
    {
        if (overrides.TryGet(kind, out Algorithm forced))
        {
            int chunk = BestChunk(kind, forced, type, bytes, topology, profile, chunkBytes);
            if (circuits?.Covers(kind) == true)
            {
                // Priced by the circuit model or not at all: the cost model does not see the circuits. One channel, as
                // the model prices one ring (a second channel's ring turns the other way, relayed round a static ring).
                SimulationResult? result = circuits.Predict(kind, forced, type, bytes);
                return new AlgorithmChoice(forced, chunk, 1, result is { IsAvailable: true } ? result.Seconds : double.NaN);
            }
            int channels = CostModel.UsesChannels(kind, forced) ? BestChannels(kind, forced, type, bytes, topology, profile, chunkBytes, maxChannels) : 1;
            return new AlgorithmChoice(forced, chunk, channels,
                CostModel.Predict(kind, forced, type, bytes, topology, profile, chunk, channels) ?? double.NaN);
        }
        return Explain(kind, type, bytes, topology, profile, chunkBytes, maxChannels, circuits).Winner;
    }

    /// <summary>
    /// Every candidate's predicted time and the winner, for <c>collectives explain</c> and logs.
    /// With <paramref name="circuits"/>, the collectives the circuit model covers are priced by it
    /// (<see cref="SelectionExplanation.CircuitModel"/> says so).
    /// </summary>
    public static SelectionExplanation Explain(CollectiveKind kind, DataType type, long bytes, JobTopology topology, CostProfile profile,
        int chunkBytes = CommunicatorOptions.DefaultChunkBytes, int maxChannels = 1, CircuitCostModel? circuits = null)
    {
        ArgumentNullException.ThrowIfNull(topology);
        ArgumentNullException.ThrowIfNull(profile);
        if (circuits?.Covers(kind) != true)
        {
            return ExplainByCostModel(kind, type, bytes, topology, profile, chunkBytes, maxChannels);
        }
        List<CandidateCost> onCircuits = PriceOnCircuits(kind, type, bytes, topology, chunkBytes, circuits);
        if (Fastest(onCircuits) is { } best)
        {
            var winner = new AlgorithmChoice(best.Algorithm, chunkBytes, 1, best.PredictedSeconds!.Value);
            return new SelectionExplanation(kind, bytes, onCircuits, winner, Reason(best, onCircuits, "by the optical circuit model"), circuits.Description);
        }
        // Nothing the circuit model prices runs on this plan (a ring's shift on plan=matchings): the cost model picks,
        // and the time stays unpredicted, since the cost model does not see the circuits.
        SelectionExplanation fallback = ExplainByCostModel(kind, type, bytes, topology, profile, chunkBytes, 1);
        string why = string.Join("; ", onCircuits.Where(c => c.Unavailable is not null).Select(c => $"{AlgorithmNames.Name(c.Algorithm)}: {c.Unavailable}"));
        return fallback with
        {
            Winner = fallback.Winner with { Channels = 1, PredictedSeconds = double.NaN },
            Reason = $"the optical circuit model runs none of the candidates ({why}), so the cost model chose, blind to the circuits: {fallback.Reason}",
        };
    }

    /// <summary>
    /// The reconfiguration times nearest the circuit model's own (one below, one above) at which
    /// the selector's choice for the call would change, with the winner on either side.
    /// </summary>
    public static IReadOnlyList<(double Seconds, Algorithm Below, Algorithm Above)> CircuitBreakEvens(CollectiveKind kind, DataType type, long bytes,
        JobTopology topology, CircuitCostModel circuits, int chunkBytes = CommunicatorOptions.DefaultChunkBytes)
    {
        ArgumentNullException.ThrowIfNull(topology);
        ArgumentNullException.ThrowIfNull(circuits);
        if (!circuits.Covers(kind))
        {
            return [];
        }
        return ReconfigurationBreakEven.Search<Algorithm>(circuits.Fabric.Switch.ReconfigurationSeconds(p99: false),
            seconds => Fastest(PriceOnCircuits(kind, type, bytes, topology, chunkBytes, circuits.WithReconfiguration(seconds)))?.Algorithm);
    }

    // Every algorithm of the collective the circuit model has a schedule for, priced on the plan's configurations for
    // it; the rest are not considered (the cost model would price them on links the circuits slow down). One channel
    // and the configured chunk: the model prices one ring, and none of these pipelines.
    private static List<CandidateCost> PriceOnCircuits(CollectiveKind kind, DataType type, long bytes, JobTopology topology,
        int chunkBytes, CircuitCostModel circuits)
    {
        var candidates = new List<CandidateCost>();
        foreach (Algorithm algorithm in AlgorithmCatalog.For(kind))
        {
            if (NotWorthIt(algorithm, topology) is { } reason)
            {
                candidates.Add(new CandidateCost(algorithm, null, reason));
                continue;
            }
            SimulationResult? result = circuits.Predict(kind, algorithm, type, bytes);
            candidates.Add(result switch
            {
                null => new CandidateCost(algorithm, null, "the circuit model has no schedule for it, so under circuits it is not considered"),
                { IsAvailable: false } => new CandidateCost(algorithm, null,
                    $"on plan={CircuitPlanConfigurations.NameFor(circuits.Plan, algorithm)}: {result.Unavailable}"),
                _ => new CandidateCost(algorithm, result.Seconds, null, 1, chunkBytes, result.Reconfigurations, result.Plan),
            });
        }
        return candidates;
    }

    // The cheapest priced candidate, ties to the earlier one in the catalog; null when none is priced.
    private static CandidateCost? Fastest(List<CandidateCost> candidates)
    {
        CandidateCost? best = null;
        foreach (CandidateCost candidate in candidates)
        {
            if (candidate.PredictedSeconds is { } seconds && (best is null || seconds < best.PredictedSeconds))
            {
                best = candidate;
            }
        }
        return best;
    }

    private static SelectionExplanation ExplainByCostModel(CollectiveKind kind, DataType type, long bytes, JobTopology topology, CostProfile profile,
        int chunkBytes, int maxChannels)
    {
        var candidates = new List<CandidateCost>();
        CandidateCost? best = null;
        foreach (Algorithm algorithm in AlgorithmCatalog.For(kind))
        {
            if (NotWorthIt(algorithm, topology) is { } reason)
            {
                candidates.Add(new CandidateCost(algorithm, null, reason));
                continue;
            }
            int channels = CostModel.UsesChannels(kind, algorithm) ? BestChannels(kind, algorithm, type, bytes, topology, profile, chunkBytes, maxChannels) : 1;
            int chunk = BestChunk(kind, algorithm, type, bytes, topology, profile, chunkBytes);
            double? seconds = CostModel.Predict(kind, algorithm, type, bytes, topology, profile, chunk, channels);
            var candidate = new CandidateCost(algorithm, seconds, seconds is null ? "no cost formula" : null, channels, chunk);
            candidates.Add(candidate);
            if (seconds is not null && (best is null || seconds < best.PredictedSeconds))
            {
                best = candidate;
            }
        }
        if (best is null)
        {
            throw new InvalidOperationException($"No algorithm for {kind} can run on {topology.Summary()}; this is a bug in the catalog.");
        }
        var winner = new AlgorithmChoice(best.Algorithm, best.ChunkBytes, best.Channels, best.PredictedSeconds!.Value);
        return new SelectionExplanation(kind, bytes, candidates, winner, Reason(best, candidates, "on " + topology.Summary()));
    }

    /// <summary>
    /// The channel count (1, 2, 4, ... up to <paramref name="maxChannels"/>) with the lowest
    /// predicted time; ties go to fewer channels, which cost fewer connections. A channel gets
    /// at least <see cref="MinBytesPerChannel"/>, below which its frames cost more than they carry.
    /// </summary>
    private static int BestChannels(CollectiveKind kind, Algorithm algorithm, DataType type, long bytes, JobTopology topology,
        CostProfile profile, int chunkBytes, int maxChannels)
    {
        int best = 1;
        double bestSeconds = CostModel.Predict(kind, algorithm, type, bytes, topology, profile, chunkBytes, 1) ?? double.MaxValue;
        for (int channels = 2; channels <= maxChannels && bytes / channels >= MinBytesPerChannel; channels *= 2)
        {
            double seconds = CostModel.Predict(kind, algorithm, type, bytes, topology, profile, chunkBytes, channels) ?? double.MaxValue;
            if (seconds < bestSeconds)
            {
                (best, bestSeconds) = (channels, seconds);
            }
        }
        return best;
    }

    /// <summary>
    /// The frame payload for pipelined algorithms (chain and tree broadcast, tree reduce and
    /// all-reduce), whose time is (depth + chunks − 1) chunk steps: small chunks fill the pipe
    /// sooner, large ones pay fewer latencies. The cheapest of 16 KiB × 4^k up to the configured
    /// chunk, ties to the larger; other algorithms keep the configured chunk.
    /// </summary>
    private static int BestChunk(CollectiveKind kind, Algorithm algorithm, DataType type, long bytes, JobTopology topology,
        CostProfile profile, int configured)
    {
        if (!CostModel.Pipelines(kind, algorithm))
        {
            return configured;
        }
        int best = configured;
        double bestSeconds = CostModel.Predict(kind, algorithm, type, bytes, topology, profile, configured) ?? double.MaxValue;
        for (int chunk = MinPipelineChunk; chunk < configured; chunk *= 4)
        {
            double seconds = CostModel.Predict(kind, algorithm, type, bytes, topology, profile, chunk) ?? double.MaxValue;
            if (seconds < bestSeconds)
            {
                (best, bestSeconds) = (chunk, seconds);
            }
        }
        return best;
    }

    /// <summary>Smallest chunk the selector gives a pipelined algorithm: below it frames cost more than they carry.</summary>
    public const int MinPipelineChunk = 16 << 10;

    /// <summary>Smallest part of a call worth a channel of its own.</summary>
    public const long MinBytesPerChannel = 256 << 10;

    /// <summary>Why the selector skips <paramref name="algorithm"/> on <paramref name="topology"/> (a hierarchy of one level), or null.</summary>
    private static string? NotWorthIt(Algorithm algorithm, JobTopology topology)
    {
        if (algorithm is Algorithm.Hierarchical or Algorithm.TwoDimensionalRing)
        {
            if (topology.Hosts.Count < 2)
            {
                return "one host: nothing to split into levels";
            }
            if (topology.MaxRanksPerHost < 2)
            {
                return "one rank per host: the flat algorithms are the same thing";
            }
        }
        return null;
    }

    /// <param name="pricedWhere">"on 4 ranks on one host (shm)" or "by the optical circuit model ...".</param>
    private static string Reason(CandidateCost best, List<CandidateCost> candidates, string pricedWhere)
    {
        CandidateCost? second = candidates.Where(c => c.PredictedSeconds is not null && !ReferenceEquals(c, best))
            .MinBy(c => c.PredictedSeconds);
        string name = AlgorithmNames.Name(best.Algorithm);
        if (second is null)
        {
            return $"{name} is the only algorithm that runs here, priced {pricedWhere}";
        }
        double ratio = second.PredictedSeconds!.Value / Math.Max(best.PredictedSeconds!.Value, 1e-12);
        return string.Create(CultureInfo.InvariantCulture,
            $"{name} is predicted {ratio:0.00}× faster than the runner-up {AlgorithmNames.Name(second.Algorithm)} {pricedWhere}");
    }
}
