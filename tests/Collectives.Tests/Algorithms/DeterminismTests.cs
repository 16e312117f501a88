using Collectives.Tests.Harness;

namespace Collectives.Tests.Algorithms;

/// <summary>
/// With inputs whose sums round (random floats), every algorithm still gives bit-identical
/// results on every rank, and the same bits on every run.
/// </summary>
public sealed class DeterminismTests
{
    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (string algorithm in new[] { "ring", "tree", "halving-doubling", "recursive-doubling" })
        {
            foreach (int ranks in new[] { 3, 6, 8 })
            {
                data.Add(algorithm, ranks);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task SameBitsOnEveryRankAndEveryRun(string algorithm, int ranks)
    {
        const int count = 100_003;
        float[][] inputs = Enumerable.Range(0, ranks).Select(r =>
        {
            var random = new Random(1000 + r);
            return Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2e3 - 1e3) * 1.000123f).ToArray();
        }).ToArray();
        BFloat16[][] halves = inputs.Select(a => a.Select(x => (BFloat16)x).ToArray()).ToArray();
        float[]? firstRun = null;
        BFloat16[]? firstRunBf16 = null;
        for (int run = 0; run < 3; run++)
        {
            Communicator[] group = Communicator.CreateLocalGroup(ranks, new CommunicatorOptions
            {
                Algorithm = "allreduce=" + algorithm,
                ChunkBytes = 16 << 10,
                Timeout = TimeSpan.FromSeconds(60),
            });
            float[][] outputs = inputs.Select(a => new float[count]).ToArray();
            BFloat16[][] outputsBf16 = inputs.Select(a => new BFloat16[count]).ToArray();
            await RankRunner.RunAsync(group, async c =>
            {
                await c.AllReduceAsync<float>(inputs[c.Rank], outputs[c.Rank], ReduceOp.Avg);
                await c.AllReduceAsync<BFloat16>(halves[c.Rank], outputsBf16[c.Rank], ReduceOp.Sum);
            });
            firstRun ??= outputs[0];
            firstRunBf16 ??= outputsBf16[0];
            for (int r = 0; r < ranks; r++)
            {
                ElementType.AssertBitsEqual<float>(firstRun, outputs[r], $"{algorithm} float run {run} rank {r}");
                ElementType.AssertBitsEqual<BFloat16>(firstRunBf16, outputsBf16[r], $"{algorithm} bf16 run {run} rank {r}");
            }
            await RankRunner.DisposeAllAsync(group);
        }
        // The result is a real average, not garbage that happens to agree.
        double expected = Enumerable.Range(0, ranks).Average(r => (double)inputs[r][12345]);
        Assert.InRange(firstRun![12345], expected - 1e-3, expected + 1e-3);
    }
}
