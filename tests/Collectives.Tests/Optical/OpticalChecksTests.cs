using Collectives.Optical.Candidates;
using Collectives.Optical.Circuits;
using Collectives.Optical.Cost;
using Collectives.Optical.Fabric;
using Collectives.Schedules;
using Collectives.Simulation;
using static Collectives.Tests.Optical.OpticalFabrics;

namespace Collectives.Tests.Optical;

/// <summary>The "Checks" of issue 6 that pin the circuit model to published numbers and closed forms.</summary>
public sealed class OpticalChecksTests
{
    [Theory]
    [InlineData(CollectiveKind.AllReduce, 8)]
    [InlineData(CollectiveKind.AllReduce, 1 << 20)]
    [InlineData(CollectiveKind.AllReduce, 256 << 20)]
    [InlineData(CollectiveKind.ReduceScatter, 64 << 10)]
    [InlineData(CollectiveKind.AllGather, 16 << 20)]
    public void StaticCircuitRingWithFreeReconfigurationIsAPacketRing(CollectiveKind kind, long bytes)
    {
        foreach (int ranks in new[] { 2, 3, 64, 100 })
        {
            var packet = new SimulatedFabric { Ranks = ranks, Electrical = FullBisection(ranks) };
            var circuit = new SimulatedFabric { Ranks = ranks, Optical = Circuits(ranks, degree: 1, reconfiguration: 0) };
            SimulationResult expected = Simulator(packet).Predict(kind, SimulatedAlgorithm.Ring, bytes);
            SimulationResult actual = Simulator(circuit, idleBeforeCall: 0).Predict(kind, SimulatedAlgorithm.Ring, bytes);
            Assert.True(expected.Seconds > 0);
            Assert.True(Math.Abs(actual.Seconds - expected.Seconds) <= 1e-9 * expected.Seconds,
                $"{ranks} ranks, {bytes} B: circuits {actual.Seconds} s, packets {expected.Seconds} s");
            Assert.Equal(0, actual.Reconfigurations);
            Assert.Equal("ring", actual.Plan);
        }
    }

    [Theory]
    [InlineData(5, 5.0 / 6)]
    [InlineData(4, 4.0 / 5)]
    public void PeriodicReconfigurationLeavesTheDutyCycleOfThePortForASaturatedFlow(int holdMultiple, double dutyCycle)
    {
        const double reconfiguration = 20 * Microsecond;
        var periodic = new PeriodicReconfiguration(holdMultiple * reconfiguration, reconfiguration);
        double period = periodic.Hold + periodic.Dark;
        Assert.Equal(dutyCycle * PortBandwidth, periodic.BytesMovedIn(1000 * period, PortBandwidth) / (1000 * period), 6);

        // The same through the step pricer: one long transfer per node on a lit ring of a time-shared switch.
        CircuitFabric fabric = Circuits(8, degree: 1, reconfiguration) with { PeriodicHold = holdMultiple * reconfiguration, Alpha = 0 };
        var pricer = new CircuitStepPricer(fabric);
        long bytes = (long)(1e5 * periodic.Hold * PortBandwidth);
        StepTime time = pricer.Price(new CommunicationStep(FlowPattern.Shift(8, 1), bytes, 0), CandidateConfigurations.StaticRing(fabric));
        double effective = bytes / time.Bandwidth;
        Assert.True(Math.Abs((effective / PortBandwidth) - dutyCycle) < 1e-4, $"effective {effective / PortBandwidth} of the port, expected {dutyCycle}");
        Assert.Equal(bytes / PortBandwidth, new CircuitStepPricer(fabric with { PeriodicHold = null })
            .Price(new CommunicationStep(FlowPattern.Shift(8, 1), bytes, 0), CandidateConfigurations.StaticRing(fabric)).Bandwidth, 9);
    }

    // p = 64, alpha = delta = 0.5 µs, d = 1: reconfigured halving-doubling pays 2 log2 p (alpha + delta) and
    // 2 log2 p − 2 changes; the static ring pays 2(p − 1)(alpha + delta). They cross at
    // (p − 1 − log2 p) / (log2 p − 1) × (alpha + delta) = 57/5 µs = 11.4 µs.
    private const double BreakEvenSeconds = 11.4 * Microsecond;

    private static SimulatedFabric SixtyFourNodes(double reconfiguration) => new()
    {
        Ranks = 64,
        Optical = Circuits(64, degree: 1, reconfiguration, alpha: 0.5 * Microsecond, propagation: 0.5 * Microsecond),
    };

    [Theory]
    [InlineData(0.999, SimulatedAlgorithm.HalvingDoubling)]
    [InlineData(1.001, SimulatedAlgorithm.Ring)]
    public void HalvingDoublingWithPerStepCircuitsBeatsTheStaticRingExactlyBelowTheBreakEven(double scale, SimulatedAlgorithm winner)
    {
        double reconfiguration = scale * BreakEvenSeconds;
        Simulator simulator = Simulator(SixtyFourNodes(reconfiguration));
        foreach (long bytes in new long[] { 0, 8 })
        {
            SimulationResult ring = simulator.Predict(CollectiveKind.AllReduce, SimulatedAlgorithm.Ring, bytes);
            SimulationResult halving = simulator.Predict(CollectiveKind.AllReduce, SimulatedAlgorithm.HalvingDoubling, bytes);
            Assert.Equal(10, halving.Reconfigurations);
            Assert.Equal(0, ring.Reconfigurations);
            Assert.Equal(winner, ring.Seconds < halving.Seconds ? SimulatedAlgorithm.Ring : SimulatedAlgorithm.HalvingDoubling);
            if (bytes == 0)
            {
                Assert.Equal(126 * Microsecond, ring.Seconds, 12);
                Assert.Equal((12 * Microsecond) + (10 * reconfiguration), halving.Seconds, 12);
            }
        }
    }

    [Fact]
    public void TheBreakEvenSearchFindsTheClosedForm()
    {
        IReadOnlyList<BreakEven> found = ReconfigurationBreakEven.Find(SixtyFourNodes(1 * Microsecond), CollectiveKind.AllReduce, 0,
            [SimulatedAlgorithm.Ring, SimulatedAlgorithm.HalvingDoubling], Reduce);
        BreakEven flip = Assert.Single(found);
        Assert.Equal(SimulatedAlgorithm.HalvingDoubling, flip.Below);
        Assert.Equal(SimulatedAlgorithm.Ring, flip.Above);
        Assert.True(Math.Abs(flip.ReconfigurationSeconds - BreakEvenSeconds) < 1e-6 * BreakEvenSeconds,
            $"found {flip.ReconfigurationSeconds * 1e6} us, expected 11.4 us");
    }

    [Theory]
    [InlineData(8)]
    [InlineData(12)]
    [InlineData(64)]
    [InlineData(100)]
    public void TotientPermsFindsEveryDistinctUndirectedRingOnce(int n)
    {
        IReadOnlyList<int> strides = TotientRings.DistinctRingStrides(n);
        Assert.Equal(EulerPhiFromPrimeFactors(n) / 2, strides.Count);
        var rings = new List<HashSet<(int, int)>>();
        foreach (int stride in strides)
        {
            var visited = new HashSet<int>();
            var edges = new HashSet<(int, int)>();
            int node = 0;
            do
            {
                Assert.True(visited.Add(node), $"stride {stride} revisits {node} before closing the ring");
                int next = (node + stride) % n;
                edges.Add((Math.Min(node, next), Math.Max(node, next)));
                node = next;
            }
            while (node != 0);
            Assert.Equal(n, visited.Count);
            Assert.DoesNotContain(rings, ring => ring.SetEquals(edges));
            rings.Add(edges);
        }
        for (int k = 1; k < n; k++)
        {
            bool coprime = Enumerable.Range(2, n - 1).All(f => k % f != 0 || n % f != 0);
            Assert.Equal(coprime, strides.Contains(k) || strides.Contains(n - k));
        }
    }

    // φ(n) = n ∏ (1 − 1/p) over the primes p dividing n: a different route from the generator's gcd test.
    private static int EulerPhiFromPrimeFactors(int n)
    {
        int phi = n, rest = n;
        for (int p = 2; p * p <= rest; p++)
        {
            if (rest % p == 0)
            {
                phi -= phi / p;
                while (rest % p == 0)
                {
                    rest /= p;
                }
            }
        }
        return rest > 1 ? phi - (phi / rest) : phi;
    }
}
