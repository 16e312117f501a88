using Collectives.Optical.Switches;
using Collectives.Selection;
using Collectives.Simulation;
using static Collectives.Tests.Optical.OpticalFabrics;

namespace Collectives.Tests.Optical;

/// <summary>The simulator on electrical, optical and hybrid fabrics, from two ranks to 16,384.</summary>
public sealed class OpticalSimulatorTests
{
    private static readonly SimulatedAlgorithm[] Algorithms = [.. SimulatedAlgorithmNames.All];

    [Fact]
    public void SixteenThousandRanksPriceEveryFabricAndBigRingsApproachTheLinkSpeed()
    {
        const int ranks = 16_384;
        // Big enough that 16,383 ring steps' latencies do not hide the bandwidth.
        long bytes = 1L << 36;
        var fabrics = new[]
        {
            new FabricSpec { Ranks = ranks, RanksPerNode = 1, LeafSize = 32, Oversubscription = 3 },
            new FabricSpec { Ranks = ranks, RanksPerNode = 128, Electrical = false, Optical = true, Switch = OpticalSwitchPresets.MemsOcs },
            new FabricSpec { Ranks = ranks, RanksPerNode = 16, Electrical = false, Optical = true, Switch = OpticalSwitchPresets.FastOcs },
            new FabricSpec { Ranks = ranks, RanksPerNode = 16, Optical = true, Switch = OpticalSwitchPresets.FastOcs },
        };
        foreach (FabricSpec spec in fabrics)
        {
            SimulatedFabric fabric = spec.Build(CostDefaults.Profile);
            var simulator = new Simulator(fabric, Reduce);
            SimulationResult ring = simulator.Predict(CollectiveKind.AllGather, SimulatedAlgorithm.Ring, bytes);
            Assert.True(ring.IsAvailable, ring.Unavailable);
            // The ring across nodes moves (N−1)/N of the data through each node's network (both networks on a hybrid), and the
            // ring inside a node (R−1)/R through the node's memory, one after the other: the bus bandwidth comes near the slower.
            double across = (fabric.Electrical?.NicBandwidth ?? 0) + ((fabric.Optical?.PortBandwidth ?? 0) * (fabric.Optical?.Degree ?? 0));
            double inside = fabric.IntraNode?.NicBandwidth ?? double.PositiveInfinity;
            double busbw = bytes / ring.Seconds * (ranks - 1) / ranks;
            int nodes = fabric.Nodes, perNode = fabric.RanksPerNode;
            Assert.InRange(busbw, 0.5 / ((1 / across) + (1 / inside)),
                1.0001 * Math.Min(across * nodes / (nodes - 1), perNode > 1 ? inside * perNode / (perNode - 1) : double.PositiveInfinity));
            foreach (SimulationResult result in simulator.Compare(CollectiveKind.AllReduce, 8, Algorithms))
            {
                Assert.True(!result.IsAvailable || double.IsFinite(result.Seconds), $"{spec}: {result}");
            }
        }
    }

    [Fact]
    public void OversubscribedLeavesSlowTheExchangesThatLeaveThemButNotTheRing()
    {
        long bytes = 256 << 20;
        SimulatedFabric full = new FabricSpec { Ranks = 256, LeafSize = 16 }.Build(CostDefaults.Profile);
        SimulatedFabric thin = new FabricSpec { Ranks = 256, LeafSize = 16, Oversubscription = 4 }.Build(CostDefaults.Profile);
        double Time(SimulatedFabric fabric, SimulatedAlgorithm algorithm) =>
            new Simulator(fabric, Reduce).Predict(CollectiveKind.AllReduce, algorithm, bytes).Seconds;
        Assert.Equal(Time(full, SimulatedAlgorithm.Ring), Time(thin, SimulatedAlgorithm.Ring), 12);
        Assert.True(Time(thin, SimulatedAlgorithm.HalvingDoubling) > 1.5 * Time(full, SimulatedAlgorithm.HalvingDoubling));
    }

    [Fact]
    public void AHybridIsNeverSlowerThanEitherOfItsNetworks()
    {
        foreach (long bytes in new long[] { 8, 1 << 20, 256 << 20 })
        {
            var spec = new FabricSpec { Ranks = 64, Switch = OpticalSwitchPresets.MemsOcs, Degree = 2 };
            var electrical = new Simulator((spec with { Optical = false }).Build(CostDefaults.Profile), Reduce);
            var optical = new Simulator((spec with { Electrical = false, Optical = true }).Build(CostDefaults.Profile), Reduce);
            var hybrid = new Simulator((spec with { Optical = true }).Build(CostDefaults.Profile), Reduce);
            foreach (SimulatedAlgorithm algorithm in new[] { SimulatedAlgorithm.Ring, SimulatedAlgorithm.HalvingDoubling })
            {
                double both = hybrid.Predict(CollectiveKind.AllReduce, algorithm, bytes).Seconds;
                double alone = Math.Min(electrical.Predict(CollectiveKind.AllReduce, algorithm, bytes).Seconds,
                    optical.Predict(CollectiveKind.AllReduce, algorithm, bytes).Seconds);
                Assert.True(both <= alone * (1 + 1e-12), $"{algorithm} at {bytes} B: hybrid {both}, best alone {alone}: " +
                    $"{hybrid.Predict(CollectiveKind.AllReduce, algorithm, bytes)} {optical.Predict(CollectiveKind.AllReduce, algorithm, bytes)} {electrical.Predict(CollectiveKind.AllReduce, algorithm, bytes)}");
            }
            // Large transfers split over both networks: strictly faster than either.
            if (bytes == 256 << 20)
            {
                Assert.True(hybrid.Predict(CollectiveKind.AllReduce, SimulatedAlgorithm.Ring, bytes).Seconds <
                    0.9 * electrical.Predict(CollectiveKind.AllReduce, SimulatedAlgorithm.Ring, bytes).Seconds);
            }
        }
    }

    [Fact]
    public void SlowSwitchesKeepOneConfigurationAndFastOnesChangePerStep()
    {
        foreach ((OpticalSwitchSpec spec, bool changes) in new[] { (OpticalSwitchPresets.MemsOcs, false), (OpticalSwitchPresets.NanosecondOcs, true) })
        {
            SimulatedFabric fabric = new FabricSpec { Ranks = 64, Electrical = false, Optical = true, Switch = spec, Degree = 1 }.Build(CostDefaults.Profile);
            SimulationResult result = new Simulator(fabric, Reduce).Predict(CollectiveKind.AllReduce, SimulatedAlgorithm.HalvingDoubling, 8);
            Assert.Equal(changes, result.Reconfigurations > 0);
        }
    }

    [Fact]
    public void WhatCannotRunSaysWhy()
    {
        var simulator = new Simulator(new FabricSpec { Ranks = 12 }.Build(CostDefaults.Profile), Reduce);
        Assert.Contains("optical ports", simulator.Predict(CollectiveKind.AllReduce, SimulatedAlgorithm.MultiRing, 8).Unavailable, StringComparison.Ordinal);
        Assert.Contains("power-of-two", simulator.Predict(CollectiveKind.AllGather, SimulatedAlgorithm.HalvingDoubling, 8).Unavailable, StringComparison.Ordinal);
        Assert.Contains("all-reduce", simulator.Predict(CollectiveKind.ReduceScatter, SimulatedAlgorithm.RecursiveDoubling, 8).Unavailable, StringComparison.Ordinal);
        Assert.True(simulator.Predict(CollectiveKind.AllReduce, SimulatedAlgorithm.HalvingDoubling, 8).IsAvailable);
        Assert.Throws<ArgumentException>(() => new Simulator(new FabricSpec { Ranks = 512, Electrical = false, Optical = true }.Build(CostDefaults.Profile), Reduce));
    }

    [Fact]
    public void TwoRanksAndOneNodeAreTheirOwnSmallCases()
    {
        SimulationResult two = new Simulator(new FabricSpec { Ranks = 2, Electrical = false, Optical = true }.Build(CostDefaults.Profile), Reduce)
            .Predict(CollectiveKind.AllReduce, SimulatedAlgorithm.Ring, 1 << 20);
        Assert.True(two.IsAvailable && two.Seconds > 0);
        SimulationResult inside = new Simulator(new FabricSpec { Ranks = 8, RanksPerNode = 8 }.Build(CostDefaults.Profile), Reduce)
            .Predict(CollectiveKind.AllReduce, SimulatedAlgorithm.HalvingDoubling, 1 << 20);
        Assert.True(inside.IsAvailable && inside.Seconds > 0 && inside.Plan == "");
    }
}
