using Collectives.Kernels;
using Collectives.Selection;
using Collectives.Topology;

namespace Collectives.Tests.Selection;

/// <summary>
/// Two refinements of the cost model, checked against its formulas with made-up profiles: calls
/// made in place are priced with the link's in-place curve (tune measures it apart), and a message
/// longer than half its call (recursive doubling's whole buffer) is priced where tune measured
/// messages that long, at twice the message. The algorithm never depends on the placement.
/// </summary>
public sealed class PlacementAndMessageCostTests
{
    private const double Alpha = 2e-6;

    private static readonly CostCurve Gamma = CostCurve.Flat(0.05e-9);

    [Fact]
    public void InPlaceCallsArePricedWithTheInPlaceCurve()
    {
        CostProfile profile = Profile(LinkClass.SharedMemory, CostCurve.Flat(0.3e-9), CostCurve.Flat(0.2e-9));
        JobTopology topology = JobTopology.SingleHost(4, LinkClass.SharedMemory);
        const long Bytes = 16 << 20;

        double outOfPlace = CostModel.Predict(CollectiveKind.AllReduce, Algorithm.Ring, DataType.Float32, Bytes, topology, profile)!.Value;
        double inPlace = CostModel.Predict(CollectiveKind.AllReduce, Algorithm.Ring, DataType.Float32, Bytes, topology, profile, inPlace: true)!.Value;

        // 2(n-1) steps of S/n bytes each, 0.1 ns/B cheaper in place; alphas and reduces are the same.
        Assert.Equal(2 * 3 * (Bytes / 4) * 0.1e-9, outOfPlace - inPlace, 1e-12);
    }

    [Fact]
    public void WithoutAnInPlaceCurveBothPlacementsCostTheSame()
    {
        CostProfile profile = Profile(LinkClass.Tcp, CostCurve.Flat(0.4e-9), null);
        JobTopology topology = JobTopology.SingleHost(3, LinkClass.Tcp);
        foreach (Algorithm algorithm in new[] { Algorithm.Ring, Algorithm.RecursiveDoubling, Algorithm.HalvingDoubling, Algorithm.Tree })
        {
            Assert.Equal(
                CostModel.Predict(CollectiveKind.AllReduce, algorithm, DataType.Float32, 1 << 20, topology, profile),
                CostModel.Predict(CollectiveKind.AllReduce, algorithm, DataType.Float32, 1 << 20, topology, profile, inPlace: true));
        }
    }

    [Fact]
    public void AMessageLongerThanHalfItsCallIsPricedWhereTuneMeasuredMessagesThatLong()
    {
        // Tune's point at S measured S/2-byte messages: 1 MiB calls sent 512 KiB (0.5 ns/B), 2 MiB calls 1 MiB (0.25 ns/B).
        var beta = new CostCurve([(1 << 20, 0.5e-9), (2 << 20, 0.25e-9)]);
        CostProfile profile = Profile(LinkClass.Tcp, beta, null);
        JobTopology pair = JobTopology.SingleHost(2, LinkClass.Tcp);
        const long Bytes = 1 << 20;
        double reduce = profile.ReduceTime(Bytes, DataType.Float32, Bytes);

        // Recursive doubling on 2 ranks: one exchange of the whole 1 MiB buffer, priced at the 2 MiB point.
        double doubling = CostModel.Predict(CollectiveKind.AllReduce, Algorithm.RecursiveDoubling, DataType.Float32, Bytes, pair, profile)!.Value;
        Assert.Equal(Alpha + (Bytes * 0.25e-9) + reduce, doubling, 1e-12);

        // The ring's 512 KiB steps are what tune measured at 1 MiB: priced at the call's own size.
        double ring = CostModel.Predict(CollectiveKind.AllReduce, Algorithm.Ring, DataType.Float32, Bytes, pair, profile)!.Value;
        Assert.Equal((2 * (Alpha + (Bytes / 2 * 0.5e-9))) + profile.ReduceTime(Bytes / 2, DataType.Float32, Bytes), ring, 1e-12);
    }

    [Fact]
    public async Task PlanGivesBothPlacementsTheSameAlgorithmAndEachItsOwnPrice()
    {
        CostProfile profile = Profile(LinkClass.InProcess, CostCurve.Flat(0.3e-9), CostCurve.Flat(0.1e-9));
        Communicator[] group = Communicator.CreateLocalGroup(4, new CommunicatorOptions { CostProfile = profile });
        try
        {
            foreach (long bytes in new long[] { 8, 64 << 10, 1 << 20, 64 << 20 })
            {
                AlgorithmChoice outOfPlace = group[0].Plan(CollectiveKind.AllReduce, DataType.Float32, bytes, inPlace: false);
                AlgorithmChoice inPlace = group[0].Plan(CollectiveKind.AllReduce, DataType.Float32, bytes, inPlace: true);

                Assert.Equal((outOfPlace.Algorithm, outOfPlace.ChunkBytes, outOfPlace.Channels), (inPlace.Algorithm, inPlace.ChunkBytes, inPlace.Channels));
                Assert.Equal(group[0].Plan(CollectiveKind.AllReduce, DataType.Float32, bytes), outOfPlace);
                double? expected = CostModel.Predict(CollectiveKind.AllReduce, inPlace.Algorithm, DataType.Float32, bytes, group[0].Topology, profile,
                    inPlace.ChunkBytes, inPlace.Channels, inPlace: true);
                Assert.Equal(expected!.Value, inPlace.PredictedSeconds, 1e-15);
                Assert.True(bytes < 1024 || inPlace.PredictedSeconds < outOfPlace.PredictedSeconds,
                    $"{bytes} B: in place {inPlace.PredictedSeconds} s, out of place {outOfPlace.PredictedSeconds} s");
            }
        }
        finally
        {
            foreach (Communicator communicator in group)
            {
                await communicator.DisposeAsync();
            }
        }
    }

    private static CostProfile Profile(LinkClass link, CostCurve beta, CostCurve? betaInPlace) =>
        CostDefaults.Profile.With(link, new LinkCost(Alpha, beta, 1, betaInPlace)) with { Gamma = Gamma };
}
