using Collectives.Optical.Circuits;
using Collectives.Optical.Cost;
using Collectives.Schedules;

namespace Collectives.Simulation;

/// <summary>
/// A step on a hybrid fabric, where every node has both a packet NIC and circuit ports (mFabric,
/// Jupiter-style EPS + OCS): the step goes over whichever network is faster, or splits its bytes
/// between the two so that both finish together when that is faster still. Where the circuits
/// cannot carry the step at all, the packet network does it alone.
/// </summary>
public sealed class HybridStepPricer : IStepPricer
{
    private readonly PacketStepPricer _packet;
    private readonly CircuitStepPricer _circuits;

    public HybridStepPricer(PacketStepPricer packet, CircuitStepPricer circuits)
    {
        ArgumentNullException.ThrowIfNull(packet);
        ArgumentNullException.ThrowIfNull(circuits);
        _packet = packet;
        _circuits = circuits;
    }

    public StepTime Price(CommunicationStep step, CircuitConfiguration configuration)
    {
        StepTime electrical = _packet.Price(step);
        StepTime optical = _circuits.Price(step, configuration);
        if (!optical.IsReachable)
        {
            return electrical;
        }
        StepTime best = optical.Total < electrical.Total ? optical : electrical;
        // A share x of the bytes over the packet network: both finish when
        // Le + x·Be = Lo + (1 − x)·Bo, so x = (Bo + Lo − Le) / (Be + Bo).
        double bandwidthSum = electrical.Bandwidth + optical.Bandwidth;
        if (bandwidthSum > 0)
        {
            double share = (optical.Bandwidth + optical.Latency - electrical.Latency) / bandwidthSum;
            if (share is > 0 and < 1)
            {
                double finish = electrical.Latency + (share * electrical.Bandwidth);
                double latency = Math.Max(electrical.Latency, optical.Latency);
                if (finish < best.Total)
                {
                    best = new StepTime(latency, finish - latency, 0);
                }
            }
        }
        return best;
    }
}
