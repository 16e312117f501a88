using Collectives.Tests.Harness;

namespace Collectives.Tests.Communication;

/// <summary>SendAsync / ReceiveAsync: ordered, typed, concurrent in both directions.</summary>
public sealed class PointToPointTests
{
    private static readonly CommunicatorOptions Options = new() { Timeout = TimeSpan.FromSeconds(30), ChunkBytes = 4096 };

    [Fact]
    public async Task MessagesArriveInOrderAcrossChunks()
    {
        Communicator[] group = Communicator.CreateLocalGroup(2, Options);
        const int messages = 20;
        await RankRunner.RunAsync(group, async c =>
        {
            for (int m = 0; m < messages; m++)
            {
                // Sizes cross the 4 KiB chunk boundary.
                int count = 100 + (m * 300);
                if (c.Rank == 0)
                {
                    double[] data = Enumerable.Range(0, count).Select(i => (double)(i + m)).ToArray();
                    await c.SendAsync<double>(data, peer: 1);
                }
                else
                {
                    var data = new double[count];
                    await c.ReceiveAsync<double>(data, peer: 0);
                    Assert.Equal(Enumerable.Range(0, count).Select(i => (double)(i + m)), data);
                }
            }
        });
        await RankRunner.DisposeAllAsync(group);
    }

    [Fact]
    public async Task RingShiftWithConcurrentSendAndReceive()
    {
        Communicator[] group = Communicator.CreateLocalGroup(5, Options);
        await RankRunner.RunAsync(group, async c =>
        {
            int right = (c.Rank + 1) % c.Size;
            int left = (c.Rank + c.Size - 1) % c.Size;
            BFloat16[] mine = Enumerable.Range(0, 5000).Select(i => (BFloat16)(float)(c.Rank * 10 + (i % 7))).ToArray();
            var received = new BFloat16[5000];
            // Both in flight at once: neither may wait for the other to finish first.
            await Task.WhenAll(c.SendAsync<BFloat16>(mine, right).AsTask(), c.ReceiveAsync<BFloat16>(received, left).AsTask());
            Assert.Equal(Enumerable.Range(0, 5000).Select(i => (float)(left * 10 + (i % 7))), received.Select(x => (float)x));
        });
        await RankRunner.DisposeAllAsync(group);
    }

    [Fact]
    public async Task ACollectiveWaitsItsTurnBehindPointToPoint()
    {
        Communicator[] group = Communicator.CreateLocalGroup(2, Options);
        Task pending = group[0].SendAsync<int>(new int[3], peer: 1).AsTask();
        var error = Assert.Throws<InvalidOperationException>(() => group[0].BarrierAsync());
        Assert.Contains("SendAsync/ReceiveAsync call(s) are in flight", error.Message);
        await group[1].ReceiveAsync<int>(new int[3], peer: 0);
        await pending;
        await RankRunner.RunAsync(group, c => c.BarrierAsync().AsTask());
        await RankRunner.DisposeAllAsync(group);
    }
}
