using System.Globalization;
using Collectives.Schedules;

namespace Collectives.Optical.Circuits;

/// <summary>
/// The job's circuits at one moment: an immutable set of <see cref="Circuit"/>s over
/// <see cref="Nodes"/> nodes. Whether it fits a fabric is <see cref="ConfigurationFeasibility"/>'s
/// question; how traffic crosses it is the router's.
/// </summary>
public sealed class CircuitConfiguration
{
    private readonly Circuit[] _circuits;

    /// <exception cref="ArgumentException">A circuit joins a node to itself or names a negative plane or node.</exception>
    public CircuitConfiguration(string name, int nodes, IEnumerable<Circuit> circuits)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(circuits);
        ArgumentOutOfRangeException.ThrowIfLessThan(nodes, 1);
        _circuits = SortedWithoutRepeats(circuits.ToArray());
        foreach (Circuit circuit in _circuits)
        {
            if (circuit.Plane < 0 || circuit.From < 0 || circuit.To < 0 || circuit.From == circuit.To)
            {
                throw new ArgumentException($"Configuration '{name}' has the circuit {circuit}, which does not join two ports.", nameof(circuits));
            }
        }
        Name = name;
        Nodes = nodes;
    }

    /// <summary>"ring", "totient rings +1,+3", "xor 4": for plans and explain output.</summary>
    public string Name { get; }

    public int Nodes { get; }

    /// <summary>The circuits, ordered by plane, then source, then destination.</summary>
    public ReadOnlySpan<Circuit> Circuits => _circuits;

    /// <summary>The number of planes this configuration lights circuits on (highest plane + 1).</summary>
    public int PlanesUsed => _circuits.Length == 0 ? 0 : _circuits[^1].Plane + 1;

    /// <summary>No circuits at all: a fabric before anything is installed.</summary>
    public static CircuitConfiguration Empty(int nodes) => new("none", nodes, []);

    /// <summary>Plane k carries the full shift i → i + strides[k] (mod n): one directed ring per coprime stride.</summary>
    public static CircuitConfiguration Shifts(string name, int nodes, IReadOnlyList<int> stridePerPlane)
    {
        ArgumentNullException.ThrowIfNull(stridePerPlane);
        var circuits = new List<Circuit>(nodes * stridePerPlane.Count);
        for (int plane = 0; plane < stridePerPlane.Count; plane++)
        {
            int stride = ((stridePerPlane[plane] % nodes) + nodes) % nodes;
            if (stride == 0)
            {
                throw new ArgumentException($"Stride {stridePerPlane[plane]} on {nodes} nodes joins every node to itself.", nameof(stridePerPlane));
            }
            for (int node = 0; node < nodes; node++)
            {
                circuits.Add(new Circuit(plane, node, (int)(((long)node + stride) % nodes)));
            }
        }
        return new CircuitConfiguration(name, nodes, circuits);
    }

    /// <summary>
    /// The circuits that give every flow of <paramref name="pattern"/> a direct circuit, spread
    /// over <paramref name="planes"/> planes: the flows are split into layers in which each node
    /// sends and receives at most once (one layer per port), and the layers repeat round-robin
    /// over the remaining planes, so every port works. Null when the pattern needs more layers
    /// than there are planes.
    /// </summary>
    public static CircuitConfiguration? ForPattern(FlowPattern pattern, int planes)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentOutOfRangeException.ThrowIfLessThan(planes, 1);
        var layers = new List<(HashSet<int> Senders, HashSet<int> Receivers, List<Flow> Flows)>();
        foreach (Flow flow in pattern.Flows)
        {
            var layer = layers.FirstOrDefault(l => !l.Senders.Contains(flow.From) && !l.Receivers.Contains(flow.To));
            if (layer.Flows is null)
            {
                if (layers.Count == planes)
                {
                    return null;
                }
                layer = ([], [], []);
                layers.Add(layer);
            }
            layer.Senders.Add(flow.From);
            layer.Receivers.Add(flow.To);
            layer.Flows.Add(flow);
        }
        var circuits = new List<Circuit>();
        for (int plane = 0; plane < planes && layers.Count > 0; plane++)
        {
            foreach (Flow flow in layers[plane % layers.Count].Flows)
            {
                circuits.Add(new Circuit(plane, flow.From, flow.To));
            }
        }
        return new CircuitConfiguration(pattern.Name, pattern.Nodes, circuits);
    }

    /// <summary>Whether both configurations light exactly the same circuits (names aside).</summary>
    public bool SameCircuits(CircuitConfiguration other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return ReferenceEquals(this, other) || _circuits.AsSpan().SequenceEqual(other._circuits);
    }

    /// <summary>
    /// What a change from this configuration to <paramref name="next"/> has to move: how many
    /// ports (both ends of every circuit that goes away or comes new) and on which planes. Both
    /// circuit lists are sorted, so one merge finds the differences.
    /// </summary>
    public (int Ports, IReadOnlyList<int> Planes) TouchedGoingTo(CircuitConfiguration next)
    {
        ArgumentNullException.ThrowIfNull(next);
        Circuit[] before = _circuits, after = next._circuits;
        int ports = 1 + Math.Max(MaxPort(before), MaxPort(after));
        int planes = Math.Max(PlanesUsed, next.PlanesUsed);
        var touched = new bool[planes * ports];
        int count = 0;
        var planeTouched = new bool[planes];
        void Touch(int plane, int port)
        {
            if (!touched[(plane * ports) + port])
            {
                touched[(plane * ports) + port] = true;
                count++;
                planeTouched[plane] = true;
            }
        }
        int i = 0, j = 0;
        while (i < before.Length || j < after.Length)
        {
            int order = i == before.Length ? 1 : j == after.Length ? -1 : Compare(before[i], after[j]);
            if (order == 0)
            {
                i++;
                j++;
                continue;
            }
            Circuit changed = order < 0 ? before[i++] : after[j++];
            Touch(changed.Plane, changed.From);
            Touch(changed.Plane, changed.To);
        }
        return (count, Enumerable.Range(0, planes).Where(p => planeTouched[p]).ToArray());
    }

    private static int MaxPort(Circuit[] circuits) => circuits.Length == 0 ? 0 : circuits.Max(c => Math.Max(c.From, c.To));

    private static int Compare(Circuit a, Circuit b)
    {
        int order = a.Plane.CompareTo(b.Plane);
        order = order != 0 ? order : a.From.CompareTo(b.From);
        return order != 0 ? order : a.To.CompareTo(b.To);
    }

    private static Circuit[] SortedWithoutRepeats(Circuit[] circuits)
    {
        Array.Sort(circuits, Compare);
        int kept = 0;
        for (int i = 0; i < circuits.Length; i++)
        {
            if (kept == 0 || circuits[i] != circuits[kept - 1])
            {
                circuits[kept++] = circuits[i];
            }
        }
        return kept == circuits.Length ? circuits : circuits[..kept];
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name} ({_circuits.Length} circuits)");
}
