using System.Text;
using Collectives.Bootstrap;

namespace Collectives.Tests.Bootstrap;

public sealed class StoreExchangeTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    public async Task AllGatherGivesEveryRankEveryValueInRankOrder(int size)
    {
        var store = new InMemoryStore(Long);
        byte[][][] results = await Task.WhenAll(Enumerable.Range(0, size).Select(rank => Task.Run(() =>
            StoreExchange.AllGatherAsync(store, "addr", rank, size, Encoding.UTF8.GetBytes($"blob-{rank}")))));
        foreach (byte[][] values in results)
        {
            Assert.Equal(Enumerable.Range(0, size).Select(r => $"blob-{r}"), values.Select(v => Encoding.UTF8.GetString(v)));
        }
    }

    [Fact]
    public async Task AllGatherTimeoutNamesTheRanksThatNeverPublished()
    {
        var store = new InMemoryStore(TimeSpan.FromMilliseconds(300));
        Task<byte[][]>[] present = [.. new[] { 0, 1, 3, 4, 6, 7 }.Select(rank => StoreExchange.AllGatherAsync(store, "addr", rank, 8, new byte[] { (byte)rank }))];
        foreach (Task<byte[][]> rank in present)
        {
            var error = await Assert.ThrowsAsync<StoreTimeoutException>(() => rank.WaitAsync(Long));
            Assert.StartsWith("Ranks 2, 5 of 8 never published 'addr/<rank>'", error.Message);
            Assert.Contains("crashed", error.Message);
            Assert.Contains("another rendezvous address", error.Message);
            Assert.Equal(["addr/2", "addr/5"], error.MissingKeys);
        }
    }

    [Fact]
    public async Task BarrierReleasesOnlyWhenEveryRankArrived()
    {
        var store = new InMemoryStore(Long);
        Task[] early = [.. Enumerable.Range(0, 3).Select(rank => StoreExchange.StoreBarrierAsync(store, "b1", rank, 4))];
        await Task.Delay(20);
        Assert.DoesNotContain(early, t => t.IsCompleted);
        await StoreExchange.StoreBarrierAsync(store, "b1", 3, 4).WaitAsync(Long);
        await Task.WhenAll(early).WaitAsync(Long);
    }

    [Fact]
    public async Task BarrierTimeoutNamesTheMissingRank()
    {
        var store = new InMemoryStore(TimeSpan.FromMilliseconds(200));
        var error = await Assert.ThrowsAsync<StoreTimeoutException>(() => StoreExchange.StoreBarrierAsync(store, "setup", 0, 2).WaitAsync(Long));
        Assert.StartsWith("Rank 1 of 2 never reached barrier 'setup'", error.Message);
    }

    [Fact]
    public async Task ArgumentsAreChecked()
    {
        var store = new InMemoryStore(Long);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => StoreExchange.AllGatherAsync(store, "p", 2, 2, default));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => StoreExchange.AllGatherAsync(store, "p", -1, 2, default));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => StoreExchange.StoreBarrierAsync(store, "p", 0, 0));
        await Assert.ThrowsAsync<ArgumentException>(() => StoreExchange.StoreBarrierAsync(store, "", 0, 1));
    }
}
