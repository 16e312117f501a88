using Collectives.Optical.Candidates;
using Collectives.Optical.Circuits;
using Collectives.Optical.Fabric;
using Collectives.Optical.Switches;
using Collectives.Selection;
using Collectives.Topology;

namespace Collectives.Simulation;

/// <summary>
/// What a user says about a fabric (flags or a fabric file), every number optional;
/// <see cref="Build"/> fills the rest from one set of defaults, so a file and the flags that say
/// the same thing give the same fabric. Times in seconds, bandwidths in bytes per second.
/// </summary>
public sealed record FabricSpec
{
    public int Ranks { get; init; } = 64;

    public int RanksPerNode { get; init; } = 1;

    /// <summary>Nodes are joined by a packet network.</summary>
    public bool Electrical { get; init; } = true;

    /// <summary>Nodes are joined by circuit switches (with <see cref="Electrical"/> too: a hybrid).</summary>
    public bool Optical { get; init; }

    public double? Alpha { get; init; }

    public double? HopDelay { get; init; }

    public double? NicBandwidth { get; init; }

    public int LeafSize { get; init; }

    public double Oversubscription { get; init; } = 1;

    public OpticalSwitchSpec Switch { get; init; } = OpticalSwitchPresets.MemsOcs;

    public int Degree { get; init; } = DefaultDegree;

    public double? PortBandwidth { get; init; }

    public double? HostForwarding { get; init; }

    /// <summary>Replaces the switch's reconfiguration time (median and p99).</summary>
    public double? Reconfiguration { get; init; }

    public double? PeriodicHold { get; init; }

    /// <summary>"none", "ring" or "rings" (the multi-ring), unless <see cref="CurrentCircuits"/> lists them.</summary>
    public string Current { get; init; } = "none";

    public IReadOnlyList<Circuit>? CurrentCircuits { get; init; }

    public IReadOnlyList<Circuit> ForeignCircuits { get; init; } = [];

    public double? IntraAlpha { get; init; }

    public double? IntraBandwidth { get; init; }

    /// <summary>Ports per node when nobody says: TopoOpt's simulations use 4 and 8.</summary>
    public const int DefaultDegree = 4;

    /// <summary>Light in ~100 m of fiber and a switch: 0.5 µs per hop, as Harvest's grid takes it (alpha = delta = 500 ns).</summary>
    public const double DefaultHopDelay = 0.5e-6;

    /// <exception cref="ArgumentException">The spec names something that cannot exist (no network, an unknown current configuration).</exception>
    public SimulatedFabric Build(CostProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        int nodes = RanksPerNode > 0 ? Ranks / RanksPerNode : 0;
        // Without a tune profile for circuits, a message starts as on the library's optical-circuit class.
        double alpha = Alpha ?? profile.For(LinkClass.OpticalCircuit).Alpha;
        double hop = HopDelay ?? DefaultHopDelay;
        double port = PortBandwidth ?? Switch.PortBandwidth.Value;
        PacketFabric? electrical = null;
        if (Electrical)
        {
            electrical = new PacketFabric
            {
                Nodes = nodes,
                Alpha = alpha,
                HopDelay = hop,
                // A fair comparison gives the NIC what all the node's optical ports carry together (TopoOpt runs its fat-trees at d × B).
                NicBandwidth = NicBandwidth ?? (Degree * port),
                LeafSize = LeafSize,
                Oversubscription = Oversubscription,
            };
        }
        CircuitFabric? optical = null;
        if (Optical)
        {
            OpticalSwitchSpec spec = Reconfiguration is { } seconds ? Switch.WithReconfiguration(seconds, "given by the user") : Switch;
            optical = new CircuitFabric
            {
                Nodes = nodes,
                Degree = Degree,
                Switch = spec,
                PortBandwidth = port,
                Alpha = alpha,
                PropagationPerHop = hop,
                // A relaying host sends one more message: the library's RDMA latency.
                HostForwarding = HostForwarding ?? profile.For(LinkClass.Rdma).Alpha,
                PeriodicHold = PeriodicHold,
                ForeignCircuits = ForeignCircuits,
            };
            optical = optical with { Current = CurrentConfiguration(optical) };
        }
        if (!Electrical && !Optical)
        {
            throw new ArgumentException("A fabric needs an electrical network, an optical one, or both.");
        }
        LinkCost shared = profile.For(LinkClass.SharedMemory);
        PacketFabric? intra = RanksPerNode > 1
            ? new PacketFabric
            {
                Nodes = RanksPerNode,
                Alpha = IntraAlpha ?? shared.Alpha,
                // The library's own shared-memory streaming rate once the data leaves the caches.
                NicBandwidth = IntraBandwidth ?? 1 / shared.Beta.Points[^1].SecondsPerByte,
            }
            : null;
        return new SimulatedFabric { Ranks = Ranks, RanksPerNode = RanksPerNode, Electrical = electrical, Optical = optical, IntraNode = intra };
    }

    private CircuitConfiguration? CurrentConfiguration(CircuitFabric fabric)
    {
        if (CurrentCircuits is { } circuits)
        {
            return new CircuitConfiguration("current", fabric.Nodes, circuits);
        }
        if (fabric.Nodes < 2)
        {
            return null;
        }
        return Current.Trim().ToLowerInvariant() switch
        {
            "none" or "" => null,
            "ring" => CandidateConfigurations.StaticRing(fabric),
            "rings" or "multi-ring" => CandidateConfigurations.MultiRing(fabric),
            _ => throw new ArgumentException($"Unknown current configuration '{Current}': say none, ring or rings, or list the circuits."),
        };
    }
}
