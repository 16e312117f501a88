namespace Collectives.Tests.Samples;

/// <summary>The usage example in README.md, run as written, with its promised results checked.</summary>
public sealed class ReadmeExampleTests
{
    [Fact]
    public async Task TheReadmeExampleWorks()
    {
        Communicator[] ranks = Communicator.CreateLocalGroup(4);
        float[][] results = new float[4][];
        await Task.WhenAll(ranks.Select(comm => Task.Run(async () =>
        {
            float[] gradients = new float[1 << 20];
            gradients.AsSpan().Fill(comm.Rank);
            await comm.AllReduceAsync<float>(gradients, ReduceOp.Avg);     // in place: now 1.5 everywhere
            BFloat16[] shard = new BFloat16[1024];
            BFloat16[] all = new BFloat16[1024 * comm.Size];
            await comm.AllGatherAsync<BFloat16>(shard, all);
            await comm.BroadcastAsync<float>(gradients, root: 0);
            await comm.BarrierAsync();
            await comm.DisposeAsync();
            results[comm.Rank] = gradients;
        })));
        Assert.All(results, gradients => Assert.All(gradients, x => Assert.Equal(1.5f, x)));
    }
}
