using Collectives.Optical.Circuits;
using Collectives.Optical.Fabric;
using Collectives.Optical.Routing;
using Collectives.Schedules;

namespace Collectives.Optical.Cost;

/// <summary>
/// A step on a configuration of a <see cref="CircuitFabric"/>: with H the longest path in
/// circuits and C the most flows on one circuit (θ = 1/C, see <see cref="PatternLoad"/>), it
/// takes alpha + H·delta + (H − 1)·forwarding + C·bytes·beta. This is the
/// issue's alpha + (bytes·beta + delta)/θ wherever each flow has its own circuit (C = H = 1) and
/// on relayed ring steps, where a flow crossing D circuits also piles D flows onto each (C = H = D);
/// it keeps the two apart where they differ, so k parallel circuits speed the bytes but not the light.
/// Only the network is priced: reducing what arrived costs the same on every configuration, and
/// whoever knows the reduction speed adds it.
/// </summary>
public sealed class CircuitStepPricer : IStepPricer
{
    private readonly CircuitFabric _fabric;
    private readonly PeriodicReconfiguration? _periodic;

    public CircuitStepPricer(CircuitFabric fabric)
    {
        ArgumentNullException.ThrowIfNull(fabric);
        _fabric = fabric;
        if (fabric.PeriodicHold is { } hold)
        {
            _periodic = new PeriodicReconfiguration(hold, fabric.Switch.ReconfigurationSeconds(p99: false));
        }
    }

    public CircuitRouter Router { get; } = new();

    public StepTime Price(CommunicationStep step, CircuitConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(step);
        PatternLoad load = Router.Load(configuration, step.Pattern);
        if (!load.IsReachable)
        {
            return StepTime.Unreachable;
        }
        int hops = load.MaxHops;
        double latency = _fabric.Alpha + (hops * _fabric.PropagationPerHop) + (Math.Max(0, hops - 1) * _fabric.HostForwarding);
        double bytesOnBusiestCircuit = load.Congestion * step.BytesPerFlow;
        double bandwidth = _periodic is { } periodic
            ? periodic.TransferSeconds(bytesOnBusiestCircuit, _fabric.PortBandwidth)
            : bytesOnBusiestCircuit / _fabric.PortBandwidth;
        return new StepTime(latency, bandwidth, 0).Times(step.Repeat);
    }
}
