using Collectives.Bootstrap;
using Collectives.Cli.CommandLine;
using Collectives.Cli.Hosts;

namespace Collectives.Tests.MultiHost;

/// <summary>The <c>collectives hosts run</c> command line and the run's layout: pure, so they run on any machine.</summary>
public sealed class HostsOptionsParserTests
{
    [Fact]
    public void ReadsHostsRateEnvironmentDeadlineAndProgram()
    {
        HostsOptions options = HostsOptionsParser.Parse(["--hosts", "2,1,3", "--rate", "1Gbit", "--transports", "tcp",
            "--env", "COLLECTIVES_FAULTS=seed=1,delay=1ms", "--timeout", "90s", "--", "prog", "--flag", "x"]);
        Assert.Equal([2, 1, 3], options.RanksPerHost);
        Assert.Equal(6, options.Ranks);
        Assert.Equal("1gbit", options.Rate);
        Assert.Equal("tcp", options.Environment[EnvironmentVariables.Transports]);
        Assert.Equal("seed=1,delay=1ms", options.Environment[EnvironmentVariables.Faults]);
        Assert.Equal(TimeSpan.FromSeconds(90), options.Deadline);
        Assert.Equal("prog", options.Program);
        Assert.Equal(["--flag", "x"], options.Arguments);
    }

    [Fact]
    public void HostsTimesRanksIsShorthandAndTheProgramMayFollowWithoutDashes()
    {
        HostsOptions options = HostsOptionsParser.Parse(["--hosts", "3x2", "prog"]);
        Assert.Equal([2, 2, 2], options.RanksPerHost);
        Assert.Null(options.Rate);
        Assert.Equal(HostsOptions.DefaultDeadline, options.Deadline);
        Assert.Empty(options.Arguments);
    }

    [Theory]
    [InlineData(new[] { "prog" }, "--hosts is required")]
    [InlineData(new[] { "--hosts", "2,1" }, "no program")]
    [InlineData(new[] { "--hosts", "2,0", "p" }, "positive counts")]
    [InlineData(new[] { "--hosts", "", "p" }, "positive counts")]
    [InlineData(new[] { "--hosts", "201x1", "p" }, "positive counts")]
    [InlineData(new[] { "--hosts", "a,b", "p" }, "positive counts")]
    [InlineData(new[] { "--hosts", "1", "--rate", "fast", "p" }, "--rate fast")]
    [InlineData(new[] { "--hosts", "1", "--rate", "1kbit", "p" }, "--rate 1kbit")]
    [InlineData(new[] { "--hosts", "1", "--env", "NOVALUE", "p" }, "KEY=VALUE")]
    [InlineData(new[] { "--hosts", "1", "--timeout", "never", "p" }, "--timeout never")]
    [InlineData(new[] { "--hosts", "1", "--bogus", "p" }, "unknown option '--bogus'")]
    [InlineData(new[] { "--hosts" }, "--hosts needs a value")]
    public void RejectsWithAMessageThatNamesTheProblem(string[] args, string expected) =>
        Assert.Contains(expected, Assert.Throws<UsageException>(() => HostsOptionsParser.Parse(args)).Message);

    [Theory]
    [InlineData("100mbit", 100e6)]
    [InlineData("1gbit", 1e9)]
    [InlineData("2.5gbit", 2.5e9)]
    [InlineData("64kbit", 64e3)]
    public void RatesAreReadAsTcReadsThem(string rate, double bits) =>
        Assert.Equal(bits, HostsOptionsParser.RateBitsPerSecond(HostsOptionsParser.ParseRate(rate)));

    [Fact]
    public void RanksAreNumberedHostByHostWithTheirLocalPlace()
    {
        var layout = new HostLayout(4242, [2, 1, 3]);
        Assert.Equal(
        [
            new RankPlacement(0, 0, 0, 2), new RankPlacement(1, 0, 1, 2), new RankPlacement(2, 1, 0, 1),
            new RankPlacement(3, 2, 0, 3), new RankPlacement(4, 2, 1, 3), new RankPlacement(5, 2, 2, 3),
        ], layout.Placements);
        Assert.Equal(["coll-4242-br", "coll-4242-h0", "coll-4242-h1", "coll-4242-h2"], layout.Namespaces);
        Assert.Equal("10.231.0.3", HostLayout.HostAddress(2).ToString());
        Assert.Equal("tcp://10.231.0.1:29500", HostLayout.Rendezvous);
    }

    [Fact]
    public void ALauncherThatIsGoneIsNotRunning() => Assert.False(LeftoverNamespaces.IsRunning(int.MaxValue));
}
