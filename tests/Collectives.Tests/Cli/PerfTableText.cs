using System.Globalization;

namespace Collectives.Tests.Cli;

/// <summary>Reads back the nccl-tests table perf prints, as a script comparing runs would.</summary>
internal sealed record PerfTableText(IReadOnlyList<PerfTableText.Row> Rows, IReadOnlyList<string> Comments)
{
    public sealed record Row(long Size, long Count, string Type, string Op, int Root,
        double OutOfPlaceTime, string OutOfPlaceWrong, double InPlaceTime, string InPlaceWrong, Prediction? Predicted = null);

    /// <summary>The --predict columns: algorithm, predicted µs per placement ("-" when none), measured/predicted per placement.</summary>
    public sealed record Prediction(string Algorithm, string Time, string InPlaceTime, string OutOfPlaceRatio, string InPlaceRatio);

    public static PerfTableText Parse(string text)
    {
        var rows = new List<Row>();
        var comments = new List<string>();
        foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith('#'))
            {
                comments.Add(line);
                continue;
            }
            string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(f.Length is 13 or 18, $"a table row has 13 columns, 18 with --predict: '{line}'");
            rows.Add(new Row(long.Parse(f[0], CultureInfo.InvariantCulture), long.Parse(f[1], CultureInfo.InvariantCulture), f[2], f[3],
                int.Parse(f[4], CultureInfo.InvariantCulture), double.Parse(f[5], CultureInfo.InvariantCulture), f[8],
                double.Parse(f[9], CultureInfo.InvariantCulture), f[12], f.Length == 18 ? new Prediction(f[13], f[14], f[15], f[16], f[17]) : null));
        }
        return new PerfTableText(rows, comments);
    }
}
