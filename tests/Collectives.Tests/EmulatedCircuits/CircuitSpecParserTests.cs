using Collectives.Optical.Switches;
using Collectives.Optical.Planning;
using Collectives.Transport.Circuits;

namespace Collectives.Tests.EmulatedCircuits;

public sealed class CircuitSpecParserTests
{
    [Fact]
    public void EveryKeyIsReadWithItsUnit()
    {
        CircuitSpec spec = CircuitSpecParser.Parse("switch=mems-ocs, reconfig=50us, bandwidth=500MB/s, degree=2, hop=1us, forward=3us, plan=matchings");
        Assert.Equal("mems-ocs", spec.Switch.Name);
        Assert.Equal(50e-6, spec.ReconfigurationSeconds!.Value, 12);
        Assert.Equal(500e6, spec.PortBandwidth);
        Assert.Equal(2, spec.Degree);
        Assert.Equal(1e-6, spec.HopDelay, 12);
        Assert.Equal(3e-6, spec.HostForwarding, 12);
        Assert.Equal(CircuitPlanKind.Matchings, spec.Plan);
        Assert.Equal(50e-6, spec.EffectiveSwitch.ReconfigurationSeconds(p99: false), 12);
    }

    [Fact]
    public void DefaultsAreAFastSwitchOnOneGigabytePerSecondPortsWithARing()
    {
        CircuitSpec spec = CircuitSpecParser.Parse("plan=ring");
        Assert.Same(OpticalSwitchPresets.FastOcs, spec.Switch);
        Assert.Null(spec.ReconfigurationSeconds);
        Assert.Equal(CircuitSpec.DefaultPortBandwidth, spec.PortBandwidth);
        Assert.Equal(1, spec.Degree);
        Assert.Equal(CircuitPlanKind.Ring, spec.Plan);
    }

    [Theory]
    [InlineData("bandwidth=8Gb/s", 1e9)]
    [InlineData("bandwidth=1GB/s", 1e9)]
    [InlineData("bandwidth=2e9B/s", 2e9)]
    [InlineData("bandwidth=250MB/s", 250e6)]
    public void BandwidthIsBytesWithACapitalBAndBitsWithASmallOne(string text, double bytesPerSecond) =>
        Assert.Equal(bytesPerSecond, CircuitSpecParser.Parse(text).PortBandwidth);

    [Theory]
    [InlineData("switch=mems-ocs,reconfig=1ms,bandwidth=500MB/s,degree=2,hop=1us,forward=3us,plan=rings")]
    [InlineData("reconfig=0us,plan=matchings")]
    [InlineData("reconfig=20us,plan=auto")]
    [InlineData("switch=sirius")]
    public void TheCanonicalSpecParsesBackToTheSameSpec(string text)
    {
        CircuitSpec spec = CircuitSpecParser.Parse(text);
        Assert.Equal(spec, CircuitSpecParser.Parse(spec.ToString()));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("plan", "'plan' is not key=value")]
    [InlineData("plan=ring,plan=ring", "'plan' is given twice")]
    [InlineData("colour=blue", "'colour' is not a circuit setting")]
    [InlineData("switch=warp", "switch=warp is not a switch preset")]
    [InlineData("reconfig=11s", "reconfig=11s is not a duration")]
    [InlineData("reconfig=-1us", "reconfig=-1us is not a duration")]
    [InlineData("reconfig=5", "reconfig=5 is not a duration")]
    [InlineData("bandwidth=fast", "bandwidth=fast is not a port bandwidth")]
    [InlineData("bandwidth=10B/s", "bandwidth=10B/s is not a port bandwidth")]
    [InlineData("degree=0", "degree=0 is not a whole number of ports from 1 to 64")]
    [InlineData("hop=1s", "hop=1s is not a duration")]
    [InlineData("plan=mesh", "plan=mesh is not a plan; say ring, rings, matchings or auto")]
    public void BadSpecsSayWhatIsWrongAndWhatIsAllowed(string text, string problem)
    {
        var error = Assert.Throws<ArgumentException>(() => CircuitSpecParser.Parse(text));
        Assert.Contains(problem, error.Message);
        Assert.Contains("Expected comma-separated key=value pairs", error.Message);
        Assert.False(CircuitSpecParser.TryParse(text, out CircuitSpec? spec, out string? message));
        Assert.Null(spec);
        Assert.Equal(error.Message, message);
    }

    [Fact]
    public void AFileHoldsTheSamePairsWithComments()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(path, ["# the bench's switch", "switch=fast-ocs, reconfig=1ms", "", "bandwidth=500MB/s  # per port", "plan=matchings"]);
            CircuitSpec spec = CircuitSpecParser.Parse("@" + path);
            Assert.Equal(CircuitSpecParser.Parse("switch=fast-ocs,reconfig=1ms,bandwidth=500MB/s,plan=matchings"), spec);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void AMissingFileIsNamed()
    {
        var error = Assert.Throws<ArgumentException>(() => CircuitSpecParser.Parse("@/nonexistent/circuits.txt"));
        Assert.Contains("the file /nonexistent/circuits.txt cannot be read", error.Message);
    }

    [Fact]
    public void MoreRanksThanTheSwitchHasPortsIsRefusedNamingTheSwitch()
    {
        CircuitSpec spec = CircuitSpecParser.Parse("switch=mems-ocs");
        var error = Assert.Throws<ArgumentException>(() => spec.BuildFabric(1000));
        Assert.Contains("cannot emulate 1000 ranks", error.Message);
        Assert.Contains("mems-ocs", error.Message);
    }
}
