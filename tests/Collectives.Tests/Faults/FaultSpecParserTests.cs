using System.Text;
using Collectives.Bootstrap;
using Collectives.Transport.Faults;
using FsCheck;
using FsCheck.Fluent;

namespace Collectives.Tests.Faults;

/// <summary>The COLLECTIVES_FAULTS parser: what each part means, exact round trips, and only ArgumentException for garbage.</summary>
public sealed class FaultSpecParserTests
{
    [Fact]
    public void ReadsEveryFault()
    {
        FaultSpec spec = FaultSpecParser.Parse(" seed=42, delay=2ms ,jitter=1500us,drop-after=500,drop=0.01,corrupt=1e-3,rank=3");
        Assert.Equal(42UL, spec.Seed);
        Assert.Equal(TimeSpan.FromMilliseconds(2), spec.Delay);
        Assert.Equal(TimeSpan.FromMicroseconds(1500), spec.Jitter);
        Assert.Equal(500L, spec.DropAfterFrames);
        Assert.Equal(0.01, spec.DropProbability);
        Assert.Equal(0.001, spec.CorruptProbability);
        Assert.Equal(3, spec.OnlyEndpoint);
        Assert.True(spec.AppliesTo(3));
        Assert.False(spec.AppliesTo(0));
    }

    [Fact]
    public void UnsetFaultsAreOff()
    {
        FaultSpec spec = FaultSpecParser.Parse("seed=7");
        Assert.Equal(TimeSpan.Zero, spec.Delay + spec.Jitter);
        Assert.Null(spec.DropAfterFrames);
        Assert.Equal(0, spec.DropProbability + spec.CorruptProbability);
        Assert.True(spec.AppliesTo(0) && spec.AppliesTo(99));
        Assert.Equal("seed=7", spec.ToString());
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("seed", "not key=value")]
    [InlineData("=3", "not key=value")]
    [InlineData("seed=1,seed=2", "'seed' is given twice")]
    [InlineData("loss=0.1", "'loss' is not a fault")]
    [InlineData("seed=-1", "seed=-1 is not a whole number")]
    [InlineData("delay=5", "delay=5 is not a duration")]
    [InlineData("delay=11s", "delay=11s is not a duration")]
    [InlineData("delay=6s,jitter=5s", "at most 10 s")]
    [InlineData("jitter=NaNms", "jitter=NaNms is not a duration")]
    [InlineData("drop-after=0", "between 1 and")]
    [InlineData("drop=1.5", "drop=1.5 is not a probability")]
    [InlineData("corrupt=-0.1", "corrupt=-0.1 is not a probability")]
    [InlineData("rank=x", "rank=x is not a whole number")]
    public void RejectsWithAMessageThatNamesThePart(string text, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => FaultSpecParser.Parse(text));
        Assert.Contains(expected, error.Message);
        Assert.Contains("e.g. seed=42,delay=2ms", error.Message);
        Assert.False(FaultSpecParser.TryParse(text, out _, out string? problem));
        Assert.Equal(error.Message, problem);
    }

    [Fact]
    public void RejectsOverlongSpecsBeforeReadingThem() =>
        Assert.Contains("at most 512", Assert.Throws<ArgumentException>(() => FaultSpecParser.Parse(new string(',', 10_000))).Message);

    [Fact]
    public void RandomSpecsRoundTripThroughTheirCanonicalText()
    {
        var random = new Random(20240611);
        for (int i = 0; i < 2000; i++)
        {
            var spec = new FaultSpec
            {
                Seed = (ulong)random.NextInt64() * 3,
                Delay = random.Next(3) == 0 ? TimeSpan.Zero : TimeSpan.FromMicroseconds(random.Next(0, 5_000_000)),
                Jitter = random.Next(3) == 0 ? TimeSpan.Zero : TimeSpan.FromMicroseconds(random.Next(0, 5_000_000)),
                DropAfterFrames = random.Next(2) == 0 ? null : random.NextInt64(1, 1_000_000_000_000),
                DropProbability = random.Next(2) == 0 ? 0 : random.NextDouble(),
                CorruptProbability = random.Next(2) == 0 ? 0 : Math.Pow(random.NextDouble(), 9),
                OnlyEndpoint = random.Next(2) == 0 ? null : random.Next(),
            };
            Assert.Equal(spec, FaultSpecParser.Parse(spec.ToString()));
        }
    }

    [Fact]
    public void ArbitraryTextOnlyEverGivesArgumentException()
    {
        Prop.ForAll(ArbMap.Default.ArbFor<string>(), text =>
        {
            Parsed(text);
            return true;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void MutatedValidSpecsOnlyEverGiveArgumentException()
    {
        const string valid = "seed=42,delay=2ms,jitter=1ms,drop-after=500,drop=0.5,corrupt=0.001,rank=1";
        const string alphabet = "0123456789.,=-+eEsmuµ xyz\0\u00a0";
        var random = new Random(5);
        for (int i = 0; i < 5000; i++)
        {
            var text = new StringBuilder(valid);
            for (int edits = random.Next(1, 5); edits > 0; edits--)
            {
                int at = random.Next(text.Length);
                switch (random.Next(3))
                {
                    case 0: text.Remove(at, 1); break;
                    case 1: text.Insert(at, alphabet[random.Next(alphabet.Length)]); break;
                    default: text[at] = alphabet[random.Next(alphabet.Length)]; break;
                }
            }
            Parsed(text.ToString());
        }
    }

    [Fact]
    public void TheEnvironmentVariableReachesTheJobAndABadOneIsAnEnvironmentError()
    {
        var env = new Dictionary<string, string>
        {
            [EnvironmentVariables.Rank] = "0",
            [EnvironmentVariables.Size] = "2",
            [EnvironmentVariables.Rendezvous] = "tcp://127.0.0.1:1",
            [EnvironmentVariables.Faults] = "seed=3,delay=1ms",
        };
        Assert.Equal(new FaultSpec { Seed = 3, Delay = TimeSpan.FromMilliseconds(1) }, JobEnvironment.Parse(env).Faults);
        env.Remove(EnvironmentVariables.Faults);
        Assert.Null(JobEnvironment.Parse(env).Faults);
        env[EnvironmentVariables.Faults] = "delay=forever";
        var error = Assert.Throws<JobEnvironmentException>(() => JobEnvironment.Parse(env));
        Assert.Contains("COLLECTIVES_FAULTS=delay=forever is not a fault spec", error.Message);
    }

    /// <summary>Parses; the only failure allowed is an ArgumentException (and then TryParse agrees).</summary>
    private static void Parsed(string? text)
    {
        bool ok;
        try
        {
            FaultSpec spec = FaultSpecParser.Parse(text);
            Assert.Equal(spec, FaultSpecParser.Parse(spec.ToString()));
            ok = true;
        }
        catch (ArgumentException)
        {
            ok = false;
        }
        Assert.Equal(ok, FaultSpecParser.TryParse(text, out _, out _));
    }
}
