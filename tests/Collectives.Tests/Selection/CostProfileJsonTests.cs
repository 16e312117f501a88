using System.Text;
using Collectives.Selection;
using Collectives.Topology;

namespace Collectives.Tests.Selection;

/// <summary>
/// The tune profile format: what Write prints, Parse reads back (to the file's precision), and
/// any damaged text is a <see cref="FormatException"/> naming the problem, never another exception.
/// </summary>
public sealed class CostProfileJsonTests
{
    private const int RandomCases = 200;

    private const int Mutations = 4000;

    [Fact]
    public void TheDefaultsRoundTrip()
    {
        CostProfile parsed = CostProfileJson.Parse(CostProfileJson.Write(CostDefaults.Profile), "defaults.json");
        AssertSame(CostDefaults.Profile, parsed);
    }

    [Fact]
    public void RandomProfilesRoundTripToTheFilesPrecision()
    {
        var random = new Random(20261128);
        for (int i = 0; i < RandomCases; i++)
        {
            CostProfile profile = RandomProfile(random);
            string text = CostProfileJson.Write(profile);
            CostProfile parsed = CostProfileJson.Parse(text, "random.json");
            AssertSame(profile, parsed);
        }
    }

    [Fact]
    public void AProfileWithoutInPlaceCostsPricesBothPlacementsWithBeta()
    {
        CostProfile parsed = CostProfileJson.Parse("""{ "version": 1, "links": { "tcp": { "alpha_us": 5, "beta_ns_per_byte": [[1, 8]] } } }""", "t.json");
        LinkCost tcp = parsed.Links[LinkClass.Tcp];
        Assert.Null(tcp.BetaInPlace);
        Assert.Same(tcp.Beta, tcp.BetaFor(inPlace: true));
    }

    [Fact]
    public void LinkClassesTheFileLeavesOutKeepTheDefaults()
    {
        CostProfile parsed = CostProfileJson.Parse("""{ "version": 1, "links": { "tcp": { "alpha_us": 50, "beta_ns_per_byte": [[1, 8]] } } }""", "t.json");
        Assert.Equal(50e-6, parsed.Links[LinkClass.Tcp].Alpha, 12);
        Assert.Same(CostDefaults.Profile.Links[LinkClass.SharedMemory], parsed.Links[LinkClass.SharedMemory]);
        Assert.Same(CostDefaults.Profile.Gamma, parsed.Gamma);
        Assert.Equal("t.json", parsed.Source);
    }

    [Theory]
    [InlineData("", "not valid JSON")]
    [InlineData("[]", "JSON object")]
    [InlineData("""{ "version": 2 }""", "\"version\"")]
    [InlineData("""{ "version": "1" }""", "\"version\"")]
    [InlineData("""{ "version": 1, "links": [] }""", "\"links\"")]
    [InlineData("""{ "version": 1, "links": { "nvlink": {} } }""", "unknown link class")]
    [InlineData("""{ "version": 1, "links": { "shm": { "beta_ns_per_byte": [[1, 1]] } } }""", "links.shm.alpha_us")]
    [InlineData("""{ "version": 1, "links": { "shm": { "alpha_us": -1, "beta_ns_per_byte": [[1, 1]] } } }""", "must not be negative")]
    [InlineData("""{ "version": 1, "links": { "shm": { "alpha_us": 1, "beta_ns_per_byte": [] } } }""", "links.shm.beta_ns_per_byte")]
    [InlineData("""{ "version": 1, "links": { "shm": { "alpha_us": 1, "beta_ns_per_byte": [["64K", 1]] } } }""", "[0]")]
    [InlineData("""{ "version": 1, "links": { "shm": { "alpha_us": 1, "beta_ns_per_byte": [[1, "fast"]] } } }""", "[0]")]
    [InlineData("""{ "version": 1, "links": { "shm": { "alpha_us": 1, "beta_ns_per_byte": [[1, null]] } } }""", "[0]")]
    [InlineData("""{ "version": 1, "links": { "shm": { "alpha_us": 1, "beta_ns_per_byte": [[2, 1], [1, 1]] } } }""", "increasing")]
    [InlineData("""{ "version": 1, "links": { "shm": { "alpha_us": 1, "beta_ns_per_byte": [[1, 1]], "beta_in_place_ns_per_byte": 1 } } }""",
        "links.shm.beta_in_place_ns_per_byte")]
    [InlineData("""{ "version": 1, "gamma_ns_per_byte": [[1, 0]] }""", "gamma_ns_per_byte")]
    [InlineData("""{ "version": 1, "gamma_ns_per_byte": [[1, 1e400]] }""", "gamma_ns_per_byte")]
    public void MalformedProfilesNameWhatIsWrong(string text, string expected)
    {
        FormatException error = Assert.Throws<FormatException>(() => CostProfileJson.Parse(text, "bad.json"));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.StartsWith("bad.json: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RandomDamageIsAFormatExceptionOrAValidProfile()
    {
        var random = new Random(1128);
        string[] originals = [CostProfileJson.Write(CostDefaults.Profile), CostProfileJson.Write(RandomProfile(random))];
        int rejected = 0;
        for (int i = 0; i < Mutations; i++)
        {
            string text = Mutate(originals[i % originals.Length], random);
            try
            {
                CostProfile parsed = CostProfileJson.Parse(text, "mutated.json");
                // What parses must be usable: every cost finite and not negative.
                Assert.All(parsed.Links.Values, link => Assert.True(double.IsFinite(link.Alpha) && link.Alpha >= 0, text));
                Assert.All(parsed.Links.Values.SelectMany(link => link.Beta.Points), point => Assert.True(double.IsFinite(point.SecondsPerByte), text));
            }
            catch (FormatException)
            {
                rejected++;
            }
            catch (Exception e)
            {
                Assert.Fail($"{e.GetType().Name} instead of FormatException for:\n{text}\n{e}");
            }
        }
        // The mutations must mostly break the text, or the test proves little.
        Assert.True(rejected > Mutations / 4, $"only {rejected} of {Mutations} mutations were rejected");
    }

    /// <summary>One to three random edits: characters deleted, inserted, replaced, a span cut, a token swapped for another JSON value.</summary>
    private static string Mutate(string text, Random random)
    {
        string[] tokens = ["\"x\"", "null", "true", "[]", "{}", "-1", "0", "1e400", "-0", "1.5", "9223372036854775808", "[[1,2]]", "\"\uD800\"", "\uD800", "[[[[[[[[[["];
        string[] alphabet = ["{", "}", "[", "]", ",", ":", "\"", "-", "e", "0", "9", ".", " ", "\\", "\u00e9", "\0"];
        var builder = new StringBuilder(text);
        int edits = random.Next(1, 4);
        for (int e = 0; e < edits && builder.Length > 0; e++)
        {
            int at = random.Next(builder.Length);
            switch (random.Next(5))
            {
                case 0:
                    builder.Remove(at, 1);
                    break;
                case 1:
                    builder.Insert(at, alphabet[random.Next(alphabet.Length)]);
                    break;
                case 2:
                    builder[at] = alphabet[random.Next(alphabet.Length)][0];
                    break;
                case 3:
                    builder.Remove(at, Math.Min(builder.Length - at, random.Next(1, 40)));
                    break;
                default:
                    // Replace the number or word at `at` with another kind of value.
                    int end = at;
                    while (end < builder.Length && (char.IsLetterOrDigit(builder[end]) || builder[end] is '.' or '-' or '+'))
                    {
                        end++;
                    }
                    builder.Remove(at, end - at).Insert(at, tokens[random.Next(tokens.Length)]);
                    break;
            }
        }
        return builder.ToString();
    }

    private static CostProfile RandomProfile(Random random)
    {
        var links = new Dictionary<LinkClass, LinkCost>();
        foreach (LinkClass link in LinkClassNames.All.Where(_ => random.Next(2) == 0))
        {
            links[link] = new LinkCost(Math.Round(random.NextDouble() * 200, 4) * 1e-6, RandomCurve(random), 1,
                random.Next(2) == 0 ? RandomCurve(random) : null);
        }
        return new CostProfile { Links = links, Gamma = RandomCurve(random), Source = $"random profile {random.Next()} \"quoted\" é" };
    }

    private static CostCurve RandomCurve(Random random)
    {
        var points = new List<(long, double)>();
        long bytes = random.Next(1, 100_000);
        int count = random.Next(1, 8);
        for (int i = 0; i < count; i++)
        {
            // Values the file keeps exactly: 6 decimals of ns per byte, at least 1e-6 ns.
            points.Add((bytes, Math.Round(1e-6 + (random.NextDouble() * 10), 6) * 1e-9));
            bytes = (bytes * random.Next(2, 16)) + 1;
        }
        return new CostCurve(points);
    }

    private static void AssertSame(CostProfile expected, CostProfile actual)
    {
        Assert.Equal(expected.Source, actual.Source);
        foreach ((LinkClass link, LinkCost cost) in expected.Links)
        {
            Assert.Equal(cost.Alpha, actual.Links[link].Alpha, 1e-12);
            AssertSame(cost.Beta, actual.Links[link].Beta);
            if (cost.BetaInPlace is null)
            {
                Assert.Null(actual.Links[link].BetaInPlace);
            }
            else
            {
                AssertSame(cost.BetaInPlace, actual.Links[link].BetaInPlace ?? throw new InvalidOperationException($"{link}: beta in place was lost"));
            }
        }
        AssertSame(expected.Gamma, actual.Gamma);
    }

    private static void AssertSame(CostCurve expected, CostCurve actual)
    {
        Assert.Equal(expected.Points.Select(p => p.Bytes), actual.Points.Select(p => p.Bytes));
        foreach (((long _, double e), (long _, double a)) in expected.Points.Zip(actual.Points))
        {
            Assert.Equal(e, a, e * 1e-9);
        }
    }
}
