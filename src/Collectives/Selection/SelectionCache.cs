using Collectives.Kernels;
using Collectives.Topology;

namespace Collectives.Selection;

/// <summary>
/// One communicator's selector, remembered per (collective, element type, size): pricing every
/// candidate on the topology costs microseconds, a training loop repeats the same sizes, and a
/// small all-reduce must not pay it each time. Under emulated circuits the optical simulator prices
/// the candidates (tens of microseconds for a few ranks, milliseconds at 64), so it runs once per
/// (collective, element type, size) here, not per call. Thread-safe; bounded (cleared when full).
/// </summary>
internal sealed class SelectionCache
{
    private const int Capacity = 4096;

    private readonly JobTopology _topology;
    private readonly CostProfile _profile;
    private readonly AlgorithmOverrides _overrides;
    private readonly int _chunkBytes;
    private readonly int _maxChannels;
    private readonly CircuitCostModel? _circuits;
    private readonly Dictionary<(CollectiveKind, DataType, long), AlgorithmChoice> _choices = [];
    private readonly Lock _gate = new();

    /// <param name="circuits">The circuit model when the communicator runs under emulated circuits, else null.</param>
    public SelectionCache(JobTopology topology, CostProfile profile, AlgorithmOverrides overrides, int chunkBytes, int maxChannels,
        CircuitCostModel? circuits = null)
    {
        _circuits = circuits;
        _maxChannels = maxChannels;
        _topology = topology;
        _profile = profile;
        _overrides = overrides;
        _chunkBytes = chunkBytes;
    }

    public Algorithm Choose(CollectiveKind kind, DataType type, long bytes) => ChooseFull(kind, type, bytes).Algorithm;

    /// <summary>
    /// The choice for the call priced for its placement. The algorithm never depends on the
    /// placement: ranks may pass in-place and out-of-place buffers to the same call and must run
    /// the same algorithm. Only the cost model tells the placements apart; the circuit model, a
    /// forced algorithm without a formula and out-of-place calls keep the choice's own price.
    /// </summary>
    public AlgorithmChoice ChooseFull(CollectiveKind kind, DataType type, long bytes, bool inPlace)
    {
        AlgorithmChoice choice = ChooseFull(kind, type, bytes);
        if (!inPlace || _circuits?.Covers(kind) == true || !double.IsFinite(choice.PredictedSeconds))
        {
            return choice;
        }
        double? seconds = CostModel.Predict(kind, choice.Algorithm, type, bytes, _topology, _profile, choice.ChunkBytes, choice.Channels, inPlace: true);
        return choice with { PredictedSeconds = seconds ?? double.NaN };
    }

    public AlgorithmChoice ChooseFull(CollectiveKind kind, DataType type, long bytes)
    {
        lock (_gate)
        {
            if (_choices.TryGetValue((kind, type, bytes), out AlgorithmChoice known))
            {
                return known;
            }
        }
        AlgorithmChoice choice = AlgorithmSelector.Choose(kind, type, bytes, _topology, _profile, _overrides, _chunkBytes, _maxChannels, _circuits);
        lock (_gate)
        {
            if (_choices.Count >= Capacity)
            {
                _choices.Clear();
            }
            _choices[(kind, type, bytes)] = choice;
        }
        return choice;
    }
}
