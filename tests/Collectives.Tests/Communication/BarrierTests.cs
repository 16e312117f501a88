using Collectives.Tests.Harness;

namespace Collectives.Tests.Communication;

/// <summary>No rank leaves a barrier before every rank has entered it.</summary>
public sealed class BarrierTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(16)]
    public async Task NoRankLeavesBeforeAllHaveEntered(int ranks)
    {
        Communicator[] group = Communicator.CreateLocalGroup(ranks, new CommunicatorOptions { Timeout = TimeSpan.FromSeconds(30) });
        for (int round = 0; round < 20; round++)
        {
            int entered = 0;
            await RankRunner.RunAsync(group, async c =>
            {
                // Stagger arrivals so late ranks really are late.
                await Task.Delay((c.Rank * 7 + round) % 5);
                Interlocked.Increment(ref entered);
                await c.BarrierAsync();
                Assert.Equal(ranks, Volatile.Read(ref entered));
            });
        }
        await RankRunner.DisposeAllAsync(group);
    }
}
