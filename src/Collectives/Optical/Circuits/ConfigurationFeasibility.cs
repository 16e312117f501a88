using System.Globalization;
using Collectives.Optical.Fabric;

namespace Collectives.Optical.Circuits;

/// <summary>
/// Whether a configuration can be installed on a fabric: circuits stay on the planes that exist
/// and join the job's own ports; on each plane a port sends on at most one circuit and receives
/// on at most one, so a node has at most <see cref="CircuitFabric.Degree"/> circuits out and in;
/// ports used by other tenants stay theirs; and a plane holds no more ports than its switch has.
/// </summary>
public static class ConfigurationFeasibility
{
    /// <summary>Every reason <paramref name="configuration"/> cannot be installed on <paramref name="fabric"/>; empty when it can.</summary>
    public static IReadOnlyList<string> Problems(CircuitConfiguration configuration, CircuitFabric fabric)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(fabric);
        var problems = new List<string>();
        if (configuration.Nodes != fabric.Nodes)
        {
            problems.Add($"'{configuration.Name}' is for {configuration.Nodes} nodes, the fabric has {fabric.Nodes}");
        }
        var sending = new HashSet<(int, int)>();
        var receiving = new HashSet<(int, int)>();
        var outCount = new int[fabric.Nodes];
        var inCount = new int[fabric.Nodes];
        foreach (Circuit circuit in configuration.Circuits)
        {
            if (circuit.Plane >= fabric.Degree)
            {
                problems.Add($"{circuit} is on plane {circuit.Plane}, but nodes have {fabric.Degree} ports (planes 0..{fabric.Degree - 1})");
                continue;
            }
            if (circuit.From >= fabric.Nodes || circuit.To >= fabric.Nodes)
            {
                problems.Add($"{circuit} reaches port {Math.Max(circuit.From, circuit.To)}, which is not one of the job's {fabric.Nodes} nodes");
                continue;
            }
            if (!sending.Add((circuit.Plane, circuit.From)))
            {
                problems.Add($"node {circuit.From} sends on two circuits of plane {circuit.Plane}; a port carries one");
            }
            if (!receiving.Add((circuit.Plane, circuit.To)))
            {
                problems.Add($"node {circuit.To} receives on two circuits of plane {circuit.Plane}; a port carries one");
            }
            outCount[circuit.From]++;
            inCount[circuit.To]++;
        }
        for (int node = 0; node < fabric.Nodes; node++)
        {
            if (outCount[node] > fabric.Degree || inCount[node] > fabric.Degree)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture,
                    $"node {node} has {outCount[node]} circuits out and {inCount[node]} in; its {fabric.Degree} ports allow {fabric.Degree} each way"));
            }
        }
        return problems;
    }

    /// <summary>What is wrong with the other tenants' circuits themselves: on a missing plane, on the job's ports, beyond the switch's ports, or sharing a port.</summary>
    public static IReadOnlyList<string> ForeignProblems(CircuitFabric fabric)
    {
        ArgumentNullException.ThrowIfNull(fabric);
        var problems = new List<string>();
        var sending = new HashSet<(int, int)>();
        var receiving = new HashSet<(int, int)>();
        foreach (Circuit circuit in fabric.ForeignCircuits)
        {
            if (circuit.Plane < 0 || circuit.Plane >= fabric.Degree)
            {
                problems.Add($"other tenants' {circuit} is on a plane the fabric does not have");
            }
            else if (Math.Min(circuit.From, circuit.To) < fabric.Nodes || Math.Max(circuit.From, circuit.To) >= fabric.Switch.Radix.Value
                || circuit.From == circuit.To)
            {
                problems.Add($"other tenants' {circuit} must join two ports from {fabric.Nodes} (the job's nodes come first) to {fabric.Switch.Radix.Value - 1}");
            }
            else if (!sending.Add((circuit.Plane, circuit.From)) || !receiving.Add((circuit.Plane, circuit.To)))
            {
                problems.Add($"other tenants' {circuit} shares a port with another of their circuits");
            }
        }
        return problems;
    }

    public static bool IsFeasible(CircuitConfiguration configuration, CircuitFabric fabric) => Problems(configuration, fabric).Count == 0;
}
