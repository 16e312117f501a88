using System.Text.Json;
using Collectives.Cli;
using Collectives.Selection;
using Collectives.Tests.MultiProcess;
using Collectives.Topology;

namespace Collectives.Tests.Cli;

/// <summary>
/// <c>collectives tune --quick</c> end to end: the profile it writes parses, names every link
/// class asked for, and holds positive finite numbers. Never asserts what the numbers are.
/// </summary>
public sealed class TuneCommandTests
{
    [Fact]
    public async Task InProcessTuneWritesAProfileToStandardOutput()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = await CommandDispatcher.RunAsync(["tune", "--quick", "--transports", "inprocess"], output, error,
            TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);

        Assert.True(exit == ExitCodes.Success, $"exit {exit}: {error}\n{output}");
        AssertProfile(output.ToString(), ["inprocess"]);
        Assert.Contains("# inprocess alpha", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TuneStartsARankPairPerProcessTransport()
    {
        string file = Path.Combine(Path.GetTempPath(), $"tune-test-{Guid.NewGuid():N}.json");
        try
        {
            ProcessResult result = await CliProcess.RunToolAsync("tune", "--quick", "--transports", "shm,tcp", "--out", file);

            Assert.True(result.ExitCode == 0, result.ToString());
            string text = await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken);
            AssertProfile(text, ["shm", "tcp"]);
            Assert.Contains("collectives tune on ", text, StringComparison.Ordinal);
            Assert.Contains($"# wrote {file}", result.Output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task UnderTheLauncherTuneMeasuresTheJobsOwnLinks()
    {
        string file = Path.Combine(Path.GetTempPath(), $"tune-test-{Guid.NewGuid():N}.json");
        try
        {
            ProcessResult result = await CliProcess.RunToolAsync("run", "-n", "3", "--transports", "shm", "--", CliProcess.Tool,
                "tune", "--quick", "--out", file);

            Assert.True(result.ExitCode == 0, result.ToString());
            AssertProfile(await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken), ["shm"]);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("--transports", "carrier-pigeon")]
    [InlineData("--sizes", "0")]
    [InlineData("--timeout", "never")]
    [InlineData("extra")]
    public async Task BadFlagsAreAUsageError(params string[] args)
    {
        var error = new StringWriter();
        int exit = await CommandDispatcher.RunAsync(["tune", .. args], new StringWriter(), error, TestContext.Current.CancellationToken);
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.StartsWith("collectives tune: ", error.ToString(), StringComparison.Ordinal);
    }

    /// <summary>The text parses as a profile, and the file itself (not the defaults Parse fills in) holds exactly these link classes with positive finite numbers.</summary>
    private static void AssertProfile(string text, string[] linkClasses)
    {
        CostProfile profile = CostProfileJson.Parse(text, "tuned.json");
        Assert.StartsWith("collectives tune on ", profile.Source, StringComparison.Ordinal);
        Assert.All(linkClasses, name => Assert.True(LinkClassNames.TryParse(name, out LinkClass link) && profile.Links[link].BetaInPlace is not null,
            $"{name}: no in-place beta"));
        using var document = JsonDocument.Parse(text);
        JsonElement links = document.RootElement.GetProperty("links");
        Assert.Equal(linkClasses.Order(), links.EnumerateObject().Select(p => p.Name).Order());
        foreach (JsonProperty link in links.EnumerateObject())
        {
            AssertPositive(link.Value.GetProperty("alpha_us").GetDouble(), $"{link.Name} alpha");
            AssertCurve(link.Value.GetProperty("beta_ns_per_byte"), $"{link.Name} beta");
            AssertCurve(link.Value.GetProperty("beta_in_place_ns_per_byte"), $"{link.Name} beta in place");
        }
        AssertCurve(document.RootElement.GetProperty("gamma_ns_per_byte"), "gamma");
    }

    private static void AssertCurve(JsonElement curve, string what)
    {
        Assert.Equal([64L << 10, 1L << 20], curve.EnumerateArray().Select(point => point[0].GetInt64()));
        foreach (JsonElement point in curve.EnumerateArray())
        {
            AssertPositive(point[1].GetDouble(), what);
        }
    }

    private static void AssertPositive(double value, string what) =>
        Assert.True(double.IsFinite(value) && value > 0, $"{what} is {value}; it must be finite and positive");
}
