using Collectives.Optical.Circuits;

namespace Collectives.Optical.Routing;

/// <summary>
/// A configuration as a graph: for each node, the distinct nodes it has circuits to and how
/// many parallel circuits (one per plane) join them. Compressed rows, built once per configuration.
/// </summary>
internal sealed class CircuitAdjacency
{
    private readonly int[] _start;
    private readonly int[] _neighbor;
    private readonly int[] _multiplicity;

    public CircuitAdjacency(CircuitConfiguration configuration)
    {
        Nodes = configuration.Nodes;
        var edges = new SortedDictionary<(int From, int To), int>();
        foreach (Circuit circuit in configuration.Circuits)
        {
            if (circuit.From < Nodes && circuit.To < Nodes)
            {
                edges[(circuit.From, circuit.To)] = edges.GetValueOrDefault((circuit.From, circuit.To)) + 1;
            }
        }
        _start = new int[Nodes + 1];
        _neighbor = new int[edges.Count];
        _multiplicity = new int[edges.Count];
        int i = 0;
        foreach (((int from, int to), int count) in edges)
        {
            _start[from + 1]++;
            _neighbor[i] = to;
            _multiplicity[i] = count;
            i++;
        }
        for (int node = 0; node < Nodes; node++)
        {
            _start[node + 1] += _start[node];
        }
    }

    public int Nodes { get; }

    /// <summary>Index range of <paramref name="node"/>'s edges in <see cref="Neighbor"/> and <see cref="Multiplicity"/>.</summary>
    public (int Start, int End) EdgesOf(int node) => (_start[node], _start[node + 1]);

    public int Neighbor(int edge) => _neighbor[edge];

    public int Multiplicity(int edge) => _multiplicity[edge];

    /// <summary>The edge from <paramref name="from"/> to <paramref name="to"/>, or -1 when no circuit joins them.</summary>
    public int EdgeBetween(int from, int to)
    {
        int low = _start[from], high = _start[from + 1] - 1;
        while (low <= high)
        {
            int middle = (low + high) >>> 1;
            int neighbor = _neighbor[middle];
            if (neighbor == to)
            {
                return middle;
            }
            if (neighbor < to)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }
        return -1;
    }
}
