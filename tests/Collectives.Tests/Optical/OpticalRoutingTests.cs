using Collectives.Optical.Candidates;
using Collectives.Optical.Circuits;
using Collectives.Optical.Fabric;
using Collectives.Optical.Routing;
using Collectives.Schedules;
using FsCheck;
using FsCheck.Fluent;
using static Collectives.Tests.Optical.OpticalFabrics;

namespace Collectives.Tests.Optical;

/// <summary>How flows sit on circuits: hops and congestion on rings, hypercubes and hand-made configurations.</summary>
public sealed class OpticalRoutingTests
{
    [Fact]
    public void ParallelCircuitsShareOneFlowAndOneCircuitCarriesOne()
    {
        CircuitFabric fabric = Circuits(16, degree: 4, reconfiguration: 0);
        var router = new CircuitRouter();
        PatternLoad onRing = router.Load(CandidateConfigurations.StaticRing(fabric), FlowPattern.Shift(16, 1));
        Assert.Equal(new PatternLoad(0.25, 1), onRing);
        PatternLoad onMultiRing = router.Load(CandidateConfigurations.MultiRing(fabric), FlowPattern.Shifts(16, TotientRings.Choose(16, 4)));
        Assert.Equal(new PatternLoad(1, 1), onMultiRing);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(8)]
    public void AnExchangeAcrossBitJOnABidirectionalRingCrosses2PowJCircuitsAndPilesAsManyFlowsOnOne(int mask)
    {
        // Short-circuiting Rings (arXiv 2510.03491): on a ring, halving-doubling's step j has θ = 2^-j.
        CircuitFabric fabric = Circuits(32, degree: 2, reconfiguration: 0);
        CircuitConfiguration bothWays = CandidateConfigurations.BidirectionalRing(fabric)!;
        PatternLoad load = new CircuitRouter().Load(bothWays, new PowerOfTwoFold(32).Exchange(mask));
        Assert.Equal(new PatternLoad(mask, mask), load);
    }

    [Fact]
    public void AMatchingCannotCarryAFlowToAnotherPartner()
    {
        var fold = new PowerOfTwoFold(8);
        CircuitConfiguration matching = CircuitConfiguration.ForPattern(fold.Exchange(4), 1)!;
        Assert.False(new CircuitRouter().Load(matching, fold.Exchange(2)).IsReachable);
        Assert.Equal(new PatternLoad(1, 1), new CircuitRouter().Load(matching, fold.Exchange(4)));
    }

    [Fact]
    public void RoutingByOffsetOrByMaskAgreesWithASearchFromEverySource()
    {
        Prop.ForAll(ArbMap.Default.ArbFor<int>(), seed =>
        {
            var random = new Random(seed);
            bool cube = random.Next(2) == 0;
            int nodes = cube ? 1 << random.Next(1, 7) : random.Next(3, 60);
            int planes = random.Next(1, 4);
            int[] layers = Enumerable.Range(0, planes)
                .Select(_ => cube ? 1 << random.Next(31 - int.LeadingZeroCount(nodes)) : random.Next(1, nodes)).ToArray();
            bool oneLayer = layers.Distinct().Count() == 1;
            CircuitConfiguration configuration = cube
                ? new CircuitConfiguration("xor", nodes, layers.SelectMany((m, p) => Enumerable.Range(0, nodes).Select(n => new Circuit(p, n, n ^ m))))
                : CircuitConfiguration.Shifts("shifts", nodes, layers);
            var adjacency = new CircuitAdjacency(configuration);
            RouteTable table = RouteTable.For(configuration, adjacency);
            // Some XOR layers are shifts too (mask n/2 is shift n/2); either fast table may take those.
            Assert.True(table is CirculantRouteTable || (cube && table is XorRouteTable), table.GetType().Name);
            Flow[] flows = Enumerable.Range(0, random.Next(1, 3 * nodes))
                .Select(_ => new Flow(random.Next(nodes), random.Next(nodes))).Where(f => f.From != f.To).Distinct().ToArray();
            if (flows.Length == 0)
            {
                return true;
            }
            var pattern = new FlowPattern("random", nodes, flows);
            PatternLoad fast = table.Load(pattern);
            PatternLoad searched = new GeneralRouteTable(adjacency).Load(pattern);
            Assert.Equal(searched.IsReachable, fast.IsReachable);
            Assert.Equal(searched.MaxHops, fast.MaxHops);
            // With one kind of circuit there is one shortest path per flow, so the loads agree too.
            if (oneLayer && fast.IsReachable)
            {
                Assert.Equal(searched.Congestion, fast.Congestion, 12);
            }
            return true;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void AHypercubeRoutesAnyPairInItsBitDistance()
    {
        CircuitFabric fabric = Circuits(64, degree: 6, reconfiguration: 0);
        CircuitConfiguration cube = CandidateConfigurations.Hypercube(fabric)!;
        var router = new CircuitRouter();
        Assert.Equal(new PatternLoad(1, 1), router.Load(cube, new PowerOfTwoFold(64).Exchange(16)));
        // 63 → 0 differs in all six bits.
        Assert.Equal(6, router.Load(cube, new FlowPattern("far", 64, [new Flow(63, 0)])).MaxHops);
        // A ring step on the cube: node 31 → 32 differs in six bits too.
        Assert.Equal(6, router.Load(cube, FlowPattern.Shift(64, 1)).MaxHops);
    }
}
