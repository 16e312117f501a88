using Collectives.Optical.Cost;
using Collectives.Optical.Fabric;
using Collectives.Schedules;
using Collectives.Transport.Circuits;

namespace Collectives.Tests.EmulatedCircuits;

/// <summary>Each node's view of the switch: routes on the current configuration, and the same deterministic changes at every node.</summary>
public sealed class CircuitSwitchScheduleTests
{
    private static CircuitSwitchSchedule[] Nodes(string spec, int nodes)
    {
        CircuitSpec parsed = CircuitSpecParser.Parse(spec);
        CircuitFabric fabric = parsed.BuildFabric(nodes);
        return Enumerable.Range(0, nodes).Select(n => new CircuitSwitchSchedule(fabric, parsed.PlanConfigurations(fabric), n)).ToArray();
    }

    [Fact]
    public void OnAStaticRingTheNextNodeIsOneHopAndOthersAreRelayedAtAShareOfThePort()
    {
        CircuitSwitchSchedule node = Nodes("bandwidth=1GB/s,hop=1us,forward=4us,plan=ring", 5)[0];
        CircuitDecision next = node.Decide(1);
        Assert.False(next.Changes);
        Assert.Equal(1, next.Route.Hops);
        Assert.Equal(1.0, next.Route.SecondsPerByte * 1e9, 12);
        Assert.Equal(1e-6, next.Route.LatencySeconds, 12);
        CircuitDecision far = node.Decide(3);
        Assert.False(far.Changes);
        Assert.Equal(3, far.Route.Hops);
        // Three circuits crossed: a third of a port (dilation), three hops of light, two relaying hosts.
        Assert.Equal(3.0, far.Route.SecondsPerByte * 1e9, 12);
        Assert.Equal(3e-6 + 8e-6, far.Route.LatencySeconds, 12);
        Assert.Equal(0, node.Changes);
    }

    [Theory]
    [InlineData("plan=ring", 4)]
    [InlineData("plan=ring", 8)]
    [InlineData("degree=2,plan=rings", 8)]
    [InlineData("degree=3,plan=matchings", 8)]
    public void AHalvingDoublingFrameIsPricedAsTheModelPricesItsWholeStep(string spec, int n)
    {
        CircuitSpec parsed = CircuitSpecParser.Parse(spec);
        CircuitFabric fabric = parsed.BuildFabric(n);
        var pricer = new CircuitStepPricer(fabric);
        var fold = new PowerOfTwoFold(n);
        CircuitSwitchSchedule[] nodes = Nodes(spec, n);
        for (int mask = 1; mask < n; mask <<= 1)
        {
            var step = new CommunicationStep(fold.Exchange(mask), 1_000_000, 0);
            for (int node = 0; node < n; node++)
            {
                CircuitDecision decision = nodes[node].Decide(node ^ mask, Algorithm.HalvingDoubling);
                nodes[node].Apply(decision);
                StepTime model = pricer.Price(step, decision.Route.Configuration);
                Assert.Equal(model.Bandwidth * 1e3, decision.Route.SecondsPerByte * 1_000_000 * 1e3, 9);
                Assert.Equal(model.Latency * 1e6, (fabric.Alpha + decision.Route.LatencySeconds) * 1e6, 9);
            }
        }
    }

    [Fact]
    public void ParallelCircuitsToOnePeerAddUp()
    {
        CircuitSwitchSchedule node = Nodes("bandwidth=1GB/s,degree=4,plan=ring", 4)[2];
        Assert.Equal(0.25, node.Decide(3).Route.SecondsPerByte * 1e9, 12);
    }

    [Fact]
    public void MatchingsStepThroughHalvingDoublingsPartnersTheSameWayAtEveryNode()
    {
        CircuitSwitchSchedule[] nodes = Nodes("reconfig=1ms,plan=matchings", 8);
        // Halving-doubling's partners by mask: 4, 2, 1, then 1, 2, 4 (the turnaround repeats mask 1).
        int[] masks = [4, 2, 1, 1, 2, 4];
        var seen = new List<string>[nodes.Length];
        for (int n = 0; n < nodes.Length; n++)
        {
            seen[n] = [];
            int previousMask = 4;
            foreach (int mask in masks)
            {
                CircuitDecision decision = nodes[n].Decide(n ^ mask);
                Assert.Equal(mask != previousMask, decision.Changes);
                Assert.Equal(decision.Changes ? 1e-3 : 0, decision.ChangeSeconds, 12);
                Assert.Equal(1, decision.Route.Hops);
                nodes[n].Apply(decision);
                seen[n].Add(nodes[n].Current.Name);
                previousMask = mask;
            }
            Assert.Equal(4, nodes[n].Changes);
        }
        Assert.Equal(["xor 4", "xor 2", "xor 1", "xor 1", "xor 2", "xor 4"], seen[0]);
        Assert.All(seen, s => Assert.Equal(seen[0], s));
    }

    [Fact]
    public void UnderPlanAutoARingHoldsTheRingAndHalvingDoublingWalksItsMatchingsAtEveryNode()
    {
        CircuitSpec spec = CircuitSpecParser.Parse("reconfig=1ms,plan=auto");
        CircuitFabric fabric = spec.BuildFabric(8);
        Assert.Equal(["ring", "xor 4", "xor 2", "xor 1"], spec.PlanConfigurations(fabric).Select(c => c.Name));
        CircuitSwitchSchedule[] nodes = Enumerable.Range(0, 8).Select(n => new CircuitSwitchSchedule(fabric, spec.Plans(fabric), n)).ToArray();
        var seen = new List<string>[nodes.Length];
        for (int n = 0; n < nodes.Length; n++)
        {
            seen[n] = [];
            CircuitSwitchSchedule node = nodes[n];
            // A ring's frames find their neighbour on the ring the job starts on.
            CircuitDecision ring = node.Decide((n + 1) % 8, Algorithm.Ring);
            Assert.False(ring.Changes);
            // Halving-doubling's partners are relayed over the ring under plan=ring; under auto they get their matching.
            foreach (int mask in new[] { 4, 2, 1, 1, 2, 4 })
            {
                CircuitDecision decision = node.Decide(n ^ mask, Algorithm.HalvingDoubling);
                Assert.Equal(1, decision.Route.Hops);
                node.Apply(decision);
                seen[n].Add(node.Current.Name);
            }
            Assert.Equal(5, node.Changes);
            // The next ring call leaves the matching, even where it joins the node to its neighbour (xor 1 joins 0 and 1).
            CircuitDecision back = node.Decide((n + 1) % 8, Algorithm.Ring);
            Assert.True(back.Changes);
            Assert.Equal("ring", back.Route.Configuration.Name);
            node.Apply(back);
            // A recursive doubling's first exchange, across bit 0, finds the xor 1 matching.
            Assert.Equal("xor 1", node.Decide(n ^ 1, Algorithm.RecursiveDoubling).Route.Configuration.Name);
        }
        Assert.Equal(["xor 4", "xor 2", "xor 1", "xor 1", "xor 2", "xor 4"], seen[0]);
        Assert.All(seen, s => Assert.Equal(seen[0], s));
    }

    [Fact]
    public void DecidingChangesNothingUntilApplied()
    {
        CircuitSwitchSchedule node = Nodes("plan=matchings", 4)[0];
        string before = node.Current.Name;
        CircuitDecision decision = node.Decide(1);
        Assert.True(decision.Changes);
        Assert.Equal(before, node.Current.Name);
        Assert.Equal(decision, node.Decide(1));
    }

    [Fact]
    public void APeerNoMatchingReachesGetsAPairConfigurationBothEndsAgreeOn()
    {
        CircuitSwitchSchedule[] nodes = Nodes("reconfig=20us,plan=matchings", 4);
        // 1 and 2 differ in two bits: neither xor 2 nor xor 1 joins them.
        CircuitDecision there = nodes[1].Decide(2);
        CircuitDecision back = nodes[2].Decide(1);
        Assert.True(there.Changes);
        Assert.Equal(1, there.Route.Hops);
        Assert.True(there.Route.Configuration.SameCircuits(back.Route.Configuration));
        nodes[1].Apply(there);
        // Back on the plan afterwards: the next matching that reaches the peer.
        CircuitDecision resumed = nodes[1].Decide(0);
        Assert.Equal("xor 1", resumed.Route.Configuration.Name);
    }

    [Fact]
    public void ANodeOutsideTheFabricIsRefused()
    {
        CircuitSwitchSchedule node = Nodes("plan=ring", 3)[0];
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => node.Decide(3));
        Assert.Contains("Node 0 of an emulated 3-node circuit fabric has no peer 3", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => node.Decide(0));
    }

    [Fact]
    public void AFoldedOddSizedJobPlansItsHandOverAndHandBack()
    {
        CircuitSpec spec = CircuitSpecParser.Parse("plan=matchings");
        CircuitFabric fabric = spec.BuildFabric(6);
        Assert.Equal(["fold", "xor 2", "xor 1", "unfold"], spec.PlanConfigurations(fabric).Select(c => c.Name));
    }
}
