using Collectives.Transport.Faults;

namespace Collectives.Tests.Faults;

/// <summary>The per-link fault sequence: replayable from its seed, different per link and seed, and honouring every rate.</summary>
public sealed class LinkFaultScheduleTests
{
    private static readonly FaultSpec Busy = FaultSpecParser.Parse("seed=42,delay=1ms,jitter=3ms,drop=0.01,corrupt=0.05");

    private static FrameFault[] Draw(FaultSpec spec, int local, int peer, int frames)
    {
        var schedule = new LinkFaultSchedule(spec, local, peer);
        return Enumerable.Range(0, frames).Select(_ => schedule.Next()).ToArray();
    }

    [Fact]
    public void TheSameSeedAndLinkGiveTheSameFaults() => Assert.Equal(Draw(Busy, 1, 2, 5000), Draw(Busy, 1, 2, 5000));

    [Fact]
    public void AnotherSeedOrAnotherLinkGivesOtherFaults()
    {
        FaultFrames(Draw(Busy, 1, 2, 1000), Draw(Busy with { Seed = 43 }, 1, 2, 1000));
        FaultFrames(Draw(Busy, 1, 2, 1000), Draw(Busy, 2, 1, 1000));
        FaultFrames(Draw(Busy, 0, 1, 1000), Draw(Busy, 0, 2, 1000));

        static void FaultFrames(FrameFault[] a, FrameFault[] b) => Assert.NotEqual(a, b);
    }

    [Fact]
    public void TurningOneFaultOnDoesNotShiftTheOthers()
    {
        FrameFault[] delaysOnly = Draw(Busy with { CorruptProbability = 0, DropProbability = 0 }, 0, 1, 500);
        FrameFault[] all = Draw(Busy, 0, 1, 500);
        Assert.Equal(delaysOnly.Select(f => f.Delay), all.Select(f => f.Delay));
    }

    [Fact]
    public void DelaysStayWithinDelayPlusJitterAndSpreadOverIt()
    {
        FrameFault[] faults = Draw(Busy, 3, 0, 5000);
        Assert.All(faults, f => Assert.InRange(f.Delay, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(4)));
        Assert.InRange(faults.Average(f => f.Delay.TotalMilliseconds), 2.3, 2.7);
    }

    [Fact]
    public void DropAfterDropsExactlyFromTheNextFrame()
    {
        FrameFault[] faults = Draw(new FaultSpec { Seed = 1, DropAfterFrames = 10 }, 0, 1, 12);
        Assert.All(faults[..10], f => Assert.False(f.DropLink));
        Assert.All(faults[10..], f => Assert.True(f.DropLink));
    }

    [Fact]
    public void RatesAreRoughlyTheProbabilitiesAndEveryCorruptionNamesAField()
    {
        FrameFault[] faults = Draw(Busy, 5, 6, 20_000);
        Assert.InRange(faults.Count(f => f.DropLink), 120, 280);
        FrameFault[] corrupted = faults.Where(f => f.Corruption != HeaderCorruption.None).ToArray();
        Assert.InRange(corrupted.Length, 850, 1150);
        foreach (HeaderCorruption field in new[] { HeaderCorruption.Sequence, HeaderCorruption.ChunkOffset, HeaderCorruption.Count })
        {
            Assert.Contains(corrupted, f => f.Corruption == field);
        }
    }
}
