using Collectives.Optical.Fabric;
using Collectives.Transport.Circuits;

namespace Collectives.Tests.EmulatedCircuits;

/// <summary>When a node's frames may leave: dark spells, wire time, latency once per burst, minimum hold. Times are given, not measured.</summary>
public sealed class EmulatedCircuitNodeTests
{
    private static EmulatedCircuitNode Node(string spec, int nodes, int node, double minimumHold = 0)
    {
        CircuitSpec parsed = CircuitSpecParser.Parse(spec);
        CircuitFabric fabric = parsed.BuildFabric(nodes);
        return new EmulatedCircuitNode(new CircuitSwitchSchedule(fabric, parsed.PlanConfigurations(fabric), node), minimumHold);
    }

    [Fact]
    public void AFrameOnALitCircuitTakesItsBytesOverThePortBandwidthPlusOneHop()
    {
        EmulatedCircuitNode node = Node("bandwidth=1GB/s,hop=2us,plan=ring", 4, 0);
        PacedFrame frame = node.Reserve(1, 1_000_000, ready: 10, newBurst: true);
        Assert.False(frame.WentDark);
        Assert.Equal(10, frame.Start);
        Assert.Equal(10 + 2e-6 + 1e-3, frame.Finish, 12);
        // Back to back: the next frame pays no latency again.
        PacedFrame next = node.Reserve(1, 1_000_000, ready: frame.Finish, newBurst: false);
        Assert.Equal(frame.Finish + 1e-3, next.Finish, 12);
    }

    [Fact]
    public void ChangingConfigurationDarkensTheNodeForTheReconfigurationTime()
    {
        EmulatedCircuitNode node = Node("reconfig=10ms,bandwidth=1GB/s,hop=0us,plan=matchings", 4, 0);
        // Starts on xor 2: node 2 is lit.
        PacedFrame lit = node.Reserve(2, 1000, ready: 0, newBurst: true);
        Assert.False(lit.WentDark);
        PacedFrame changed = node.Reserve(1, 1000, ready: 1, newBurst: true);
        Assert.True(changed.WentDark);
        Assert.Equal(1, changed.DarkFrom);
        Assert.Equal(1.010, changed.DarkUntil, 12);
        Assert.Equal(1.010 + 1e-6, changed.Finish, 12);
        Assert.Equal(1, node.Changes);
        Assert.Equal(0.010, node.DarkSeconds, 12);
    }

    [Fact]
    public void AFrameBookedDuringADarkSpellStartsWhenItEnds()
    {
        EmulatedCircuitNode node = Node("reconfig=1ms,bandwidth=1GB/s,hop=0us,plan=ring", 4, 0);
        var matchings = Node("reconfig=1ms,bandwidth=1GB/s,hop=0us,plan=matchings", 4, 0);
        PacedFrame dark = matchings.Reserve(1, 0, ready: 5, newBurst: true);
        PacedFrame behind = matchings.Reserve(1, 1000, ready: 5.0001, newBurst: true);
        Assert.False(behind.WentDark);
        Assert.Equal(dark.DarkUntil, behind.Start, 12);
        // A static ring never goes dark.
        Assert.False(node.Reserve(2, 1000, ready: 0, newBurst: true).WentDark);
        Assert.Equal(0, node.Changes);
    }

    [Fact]
    public void TheSwitchHoldsAConfigurationItsMinimumTimeBeforeMovingAgain()
    {
        EmulatedCircuitNode node = Node("reconfig=1ms,bandwidth=1GB/s,hop=0us,plan=matchings", 4, 0, minimumHold: 0.5);
        PacedFrame first = node.Reserve(1, 0, ready: 0, newBurst: true);
        Assert.Equal(0.001, first.DarkUntil, 12);
        PacedFrame second = node.Reserve(2, 0, ready: 0.002, newBurst: true);
        Assert.Equal(0.001 + 0.5, second.DarkFrom, 12);
        Assert.Equal(0.502, second.DarkUntil, 12);
    }
}
