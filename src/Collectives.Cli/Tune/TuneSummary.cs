using System.Globalization;
using Collectives.Cli.Perf;
using Collectives.Selection;
using Collectives.Topology;

namespace Collectives.Cli.Tune;

/// <summary>A person's view of a measured profile: alpha per link, and beta and gamma per size as GB/s.</summary>
internal static class TuneSummary
{
    public static string Render(CostProfile profile)
    {
        var text = new StringWriter(CultureInfo.InvariantCulture);
        text.WriteLine($"# {profile.Source}");
        foreach ((LinkClass link, LinkCost cost) in profile.Links.OrderBy(pair => pair.Key))
        {
            text.WriteLine($"# {LinkClassNames.Name(link),-9} alpha {cost.Alpha * 1e6:0.00} us; beta {Curve(cost.Beta)}");
        }
        text.WriteLine($"# {"gamma",-9} float32 sum {Curve(profile.Gamma)}");
        return text.ToString();
    }

    /// <summary>"64K 0.120 ns/B (8.33 GB/s), 1M ...".</summary>
    private static string Curve(CostCurve curve) => string.Join(", ", curve.Points.Select(point =>
        string.Create(CultureInfo.InvariantCulture, $"{SizeParser.Format(point.Bytes)} {point.SecondsPerByte * 1e9:0.000} ns/B ({1e-9 / point.SecondsPerByte:0.00} GB/s)")));
}
