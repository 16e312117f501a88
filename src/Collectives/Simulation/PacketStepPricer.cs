using Collectives.Schedules;

namespace Collectives.Simulation;

/// <summary>
/// A step on a <see cref="PacketFabric"/>: alpha + switch hops × hop delay + the busiest NIC's or
/// uplink's share of the bytes. Loads are kept per pattern, so pricing a sweep of sizes routes
/// each pattern once.
/// </summary>
public sealed class PacketStepPricer
{
    private readonly PacketFabric _fabric;
    private readonly Dictionary<FlowPattern, (double Congestion, int MaxSwitchHops)> _loads = [];

    public PacketStepPricer(PacketFabric fabric)
    {
        ArgumentNullException.ThrowIfNull(fabric);
        _fabric = fabric;
    }

    public StepTime Price(CommunicationStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        if (!_loads.TryGetValue(step.Pattern, out var load))
        {
            load = _fabric.Load(step.Pattern);
            _loads[step.Pattern] = load;
        }
        double latency = _fabric.Alpha + (load.MaxSwitchHops * _fabric.HopDelay);
        double bandwidth = load.Congestion * step.BytesPerFlow / _fabric.NicBandwidth;
        return new StepTime(latency, bandwidth, 0).Times(step.Repeat);
    }
}
