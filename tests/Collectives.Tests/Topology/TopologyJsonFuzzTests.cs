using System.Text;
using Collectives.Topology;
using FsCheck;
using FsCheck.Fluent;

namespace Collectives.Tests.Topology;

/// <summary>
/// The topology parser against hostile input: random mutations of valid documents and arbitrary
/// strings either parse or fail with <see cref="TopologyFormatException"/>, never anything else.
/// </summary>
public sealed class TopologyJsonFuzzTests
{
    // Characters that matter to JSON and to the parser, so mutations reach past the tokenizer.
    private const string Alphabet = "{}[],:\"\\/ \n0123456789-.eEtrufalsnhip\u0000\u00e9\ud800";

    private static readonly string[] Seeds =
    [
        TopologyJson.Write(JobTopology.FromHostSizes([2, 1], LinkClass.SharedMemory, LinkClass.Rdma)),
        TopologyJson.Write(new JobTopology(
            [new RankPlacement(0, "id", "n", 0, 0, 1, "eth0", "10.0.0.1"), new RankPlacement(1, "id", "n", 0, 0, 2, null, "::1")],
            [LinkClass.Self, LinkClass.Tcp, LinkClass.Tcp, LinkClass.Self])),
        """{"version": 1, "ranks": ["a", {"host": "b", "core": 3}], "links": {"intra": "shm", "inter": "tcp"}} // note""",
        """{"version": 1, "ranks": ["a", "a"], "matrix": [["self", "optical"], ["optical", "self"]]}""",
    ];

    [Fact]
    public void MutatedDocumentsOnlyEverGiveFormatErrors()
    {
        var random = new Random(7);
        int parsed = 0;
        for (int i = 0; i < 30_000; i++)
        {
            string document = Seeds[random.Next(Seeds.Length)];
            int mutations = random.Next(1, 4);
            for (int m = 0; m < mutations; m++)
            {
                document = Mutate(document, random);
            }
            parsed += ParseAnything(document) ? 1 : 0;
        }
        // Some mutations (inside a host name, say) leave a valid document; most must not.
        Assert.InRange(parsed, 1, 29_999);
    }

    [Fact]
    public void ArbitraryStringsOnlyEverGiveFormatErrors()
    {
        Prop.ForAll(ArbMap.Default.ArbFor<string>(), text =>
        {
            ParseAnything(text ?? "");
            ParseAnything("{\"version\": 1, \"ranks\": [" + text + "]}");
            return true;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void RandomTopologiesRoundTripUnderFsCheck()
    {
        Prop.ForAll(ArbMap.Default.ArbFor<int>(), seed =>
        {
            JobTopology topology = RandomTopologies.Next(new Random(seed), maxSize: 20);
            TopologyAssert.Equal(topology, TopologyJson.Parse(TopologyJson.Write(topology)));
            return true;
        }).QuickCheckThrowOnFailure();
    }

    private static bool ParseAnything(string document)
    {
        try
        {
            TopologyJson.Parse(document);
            return true;
        }
        catch (TopologyFormatException e)
        {
            Assert.False(string.IsNullOrWhiteSpace(e.Message));
            return false;
        }
        catch (Exception e)
        {
            throw new Xunit.Sdk.XunitException($"{e.GetType().Name} escaped the parser: {e}\ndocument:\n{document}");
        }
    }

    private static string Mutate(string document, Random random)
    {
        if (document.Length == 0)
        {
            return Alphabet[random.Next(Alphabet.Length)].ToString();
        }
        int at = random.Next(document.Length);
        var text = new StringBuilder(document);
        switch (random.Next(6))
        {
            case 0:
                text.Remove(at, 1);
                break;
            case 1:
                text.Insert(at, Alphabet[random.Next(Alphabet.Length)]);
                break;
            case 2:
                text[at] = Alphabet[random.Next(Alphabet.Length)];
                break;
            case 3:
                text.Length = at;
                break;
            case 4:
                // Duplicate a slice: repeated fields, extra ranks, extra rows.
                int length = random.Next(1, Math.Min(40, document.Length - at) + 1);
                text.Insert(at, document.Substring(at, length));
                break;
            default:
                // A digit turned into a large or negative number.
                text.Insert(at, random.Next(2) == 0 ? "-" : "99999999999");
                break;
        }
        return text.ToString();
    }
}
