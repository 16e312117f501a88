using Collectives.Optical.Candidates;
using Collectives.Optical.Circuits;
using Collectives.Optical.Fabric;
using Collectives.Schedules;
using FsCheck;
using FsCheck.Fluent;
using static Collectives.Tests.Optical.OpticalFabrics;

namespace Collectives.Tests.Optical;

/// <summary>Feasibility of circuit configurations: what a fabric can hold, checked on random configurations and on every candidate the planner may propose.</summary>
public sealed class OpticalFeasibilityPropertyTests
{
    // Every plane a random partial permutation of the nodes: at most one circuit out and one in per port.
    private static CircuitConfiguration RandomConfiguration(Random random, int nodes, int degree)
    {
        var circuits = new List<Circuit>();
        for (int plane = 0; plane < degree; plane++)
        {
            int[] targets = Enumerable.Range(0, nodes).OrderBy(_ => random.Next()).ToArray();
            for (int node = 0; node < nodes; node++)
            {
                if (targets[node] != node && random.Next(3) > 0)
                {
                    circuits.Add(new Circuit(plane, node, targets[node]));
                }
            }
        }
        return new CircuitConfiguration("random", nodes, circuits);
    }

    [Fact]
    public void PartialPermutationsOnExistingPlanesAreFeasibleAndEveryNodeKeepsItsDegree()
    {
        Prop.ForAll(ArbMap.Default.ArbFor<int>(), seed =>
        {
            var random = new Random(seed);
            int nodes = random.Next(2, 40), degree = random.Next(1, 5);
            CircuitConfiguration configuration = RandomConfiguration(random, nodes, degree);
            CircuitFabric fabric = Circuits(nodes, degree, reconfiguration: 1e-3);
            Assert.Empty(ConfigurationFeasibility.Problems(configuration, fabric));
            foreach (int node in Enumerable.Range(0, nodes))
            {
                Assert.InRange(configuration.Circuits.ToArray().Count(c => c.From == node), 0, degree);
                Assert.InRange(configuration.Circuits.ToArray().Count(c => c.To == node), 0, degree);
            }
            return true;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void ASecondCircuitOnAPortAMissingPlaneOrAForeignPortIsRefusedByName()
    {
        Prop.ForAll(ArbMap.Default.ArbFor<int>(), seed =>
        {
            var random = new Random(seed);
            int nodes = random.Next(3, 30), degree = random.Next(1, 4);
            CircuitConfiguration configuration = RandomConfiguration(random, nodes, degree);
            CircuitFabric fabric = Circuits(nodes, degree, reconfiguration: 1e-3);
            Circuit[] circuits = configuration.Circuits.ToArray();
            if (circuits.Length > 0)
            {
                Circuit taken = circuits[random.Next(circuits.Length)];
                int other = Enumerable.Range(0, nodes).First(n => n != taken.From && n != taken.To);
                var doubled = new CircuitConfiguration("doubled", nodes, circuits.Append(taken with { To = other }));
                Assert.Contains(ConfigurationFeasibility.Problems(doubled, fabric), p => p.Contains($"node {taken.From} sends on two circuits", StringComparison.Ordinal));
            }
            var offPlane = new CircuitConfiguration("off plane", nodes, circuits.Append(new Circuit(degree, 0, 1)));
            Assert.Contains(ConfigurationFeasibility.Problems(offPlane, fabric), p => p.Contains($"plane {degree}", StringComparison.Ordinal));
            var foreign = new CircuitConfiguration("foreign", nodes, [new Circuit(0, 0, nodes)]);
            Assert.Contains(ConfigurationFeasibility.Problems(foreign, fabric), p => p.Contains("not one of the job's", StringComparison.Ordinal));
            return true;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void EveryCandidateForEveryScheduleFitsTheFabric()
    {
        Prop.ForAll(ArbMap.Default.ArbFor<int>(), seed =>
        {
            var random = new Random(seed);
            int nodes = random.Next(2, 70), degree = random.Next(1, 7);
            CircuitFabric fabric = Circuits(nodes, degree, reconfiguration: 1e-3);
            var fold = new PowerOfTwoFold(nodes);
            var schedules = new[]
            {
                RingSchedule.AllReduce(FlowPattern.Shift(nodes, 1), 1 << 20),
                RingSchedule.AllReduce(FlowPattern.Shifts(nodes, TotientRings.Choose(nodes, degree)), 1 << 20),
                HalvingDoublingSchedule.AllReduce(fold, 1 << 20),
                RecursiveDoublingSchedule.AllReduce(fold, 1 << 20),
            };
            foreach (IReadOnlyList<CommunicationStep> steps in schedules)
            {
                IReadOnlyList<CircuitConfiguration> candidates = CandidateConfigurations.For(fabric, steps);
                Assert.NotEmpty(candidates);
                foreach (CircuitConfiguration candidate in candidates)
                {
                    Assert.Empty(ConfigurationFeasibility.Problems(candidate, fabric));
                }
                // Every step has a candidate that gives each of its flows a direct circuit.
                foreach (CommunicationStep step in steps)
                {
                    Assert.Contains(candidates, c => step.Pattern.Flows.ToArray().All(f => c.Circuits.ToArray().Any(x => x.From == f.From && x.To == f.To)));
                }
            }
            return true;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void ForeignTenantsKeepTheirPortsAndTheirLight()
    {
        CircuitFabric fabric = Circuits(8, degree: 2, reconfiguration: 1e-3) with { ForeignCircuits = [new Circuit(1, 8, 9), new Circuit(1, 9, 8)] };
        Assert.Empty(fabric.Problems());
        CircuitConfiguration ring = CandidateConfigurations.StaticRing(fabric);
        CircuitConfiguration rings = CandidateConfigurations.MultiRing(fabric);
        Assert.Equal(1e-3, fabric.Reconfiguration(ring, rings, p99: false).Seconds);
        // A switch that darkens every circuit while it changes may not touch plane 1, which other tenants use.
        CircuitFabric allDark = fabric with { Switch = fabric.Switch with { UntouchedCircuitsStayLit = new(false, "test") } };
        ReconfigurationCost blocked = allDark.Reconfiguration(ring, rings, p99: false);
        Assert.False(blocked.IsAllowed);
        Assert.Contains("plane 1", blocked.Blocked, StringComparison.Ordinal);
        // Plane 0 alone is free of them.
        CircuitConfiguration planeZero = CircuitConfiguration.Shifts("plane 0 moves", 8, [3, 1]);
        Assert.True(allDark.Reconfiguration(ring, planeZero, p99: false).IsAllowed);
        Assert.Contains(ConfigurationFeasibility.ForeignProblems(fabric with { ForeignCircuits = [new Circuit(0, 3, 9)] }),
            p => p.Contains("must join two ports from 8", StringComparison.Ordinal));
    }

    [Fact]
    public void AFabricWiderThanItsSwitchSaysHowToFitIt()
    {
        CircuitFabric fabric = Circuits(200, degree: 1, reconfiguration: 1e-3) with { Switch = Collectives.Optical.Switches.OpticalSwitchPresets.MemsOcs };
        Assert.Contains(fabric.Problems(), p => p.Contains("needs 200 ports", StringComparison.Ordinal) && p.Contains("has 136", StringComparison.Ordinal));
    }
}
