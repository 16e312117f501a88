using Collectives.Optical.Fabric;
using Collectives.Optical.Switches;
using Collectives.Simulation;

namespace Collectives.Tests.Optical;

/// <summary>Fabrics the optical tests share: one switch kind with a chosen reconfiguration time, and simulators with no reduction cost.</summary>
internal static class OpticalFabrics
{
    public const double Microsecond = 1e-6;

    /// <summary>50 GB/s: a 400 Gb/s port.</summary>
    public const double PortBandwidth = 50e9;

    public static CircuitFabric Circuits(int nodes, int degree, double reconfiguration, double alpha = 2 * Microsecond,
        double propagation = 0, double forwarding = 0) => new()
        {
            Nodes = nodes,
            Degree = degree,
            Switch = OpticalSwitchPresets.FastOcs.WithReconfiguration(reconfiguration, "test") with { Radix = new(1 << 16, "test") },
            PortBandwidth = PortBandwidth,
            Alpha = alpha,
            PropagationPerHop = propagation,
            HostForwarding = forwarding,
        };

    public static PacketFabric FullBisection(int nodes, double alpha = 2 * Microsecond, double hopDelay = 0) => new()
    {
        Nodes = nodes,
        NicBandwidth = PortBandwidth,
        Alpha = alpha,
        HopDelay = hopDelay,
    };

    /// <summary>Reduction at 1 TB/s (an accelerator's memory), whatever the size: the same on every network, and small beside it.</summary>
    public static double Reduce(long bytes, long workingSet) => bytes * 1e-12;

    public static Simulator Simulator(SimulatedFabric fabric, double idleBeforeCall = double.PositiveInfinity) =>
        new(fabric, Reduce, new Collectives.Optical.Planning.PlanOptions { IdleBeforeCall = idleBeforeCall });
}
