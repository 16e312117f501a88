using System.Globalization;
using System.Text;
using Collectives.Cli.Perf;
using Collectives.Simulation;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace Collectives.Cli.Sim;

/// <summary>
/// --plot FILE.svg|png: for each collective, its predicted time (log scale) and bus bandwidth
/// against the message size (log scale), one line per algorithm, stacked top to bottom.
/// </summary>
internal static class SimPlot
{
    private const int Width = 900;
    private const int PanelHeight = 380;

    /// <summary>Whether <paramref name="path"/> names a format the plot can be saved in.</summary>
    public static bool CanWrite(string path) => Path.GetExtension(path).ToLowerInvariant() is ".svg" or ".png";

    public static void Save(SimReport report, string path)
    {
        List<Plot> panels = Panels(report);
        if (Path.GetExtension(path).Equals(".png", StringComparison.OrdinalIgnoreCase))
        {
            var multiplot = new Multiplot(panels[0]);
            foreach (Plot panel in panels.Skip(1))
            {
                multiplot.AddPlot(panel);
            }
            multiplot.Layout = new ScottPlot.MultiplotLayouts.Rows();
            multiplot.SavePng(path, Width, PanelHeight * panels.Count);
            return;
        }
        File.WriteAllText(path, StackedSvg(panels));
    }

    private static List<Plot> Panels(SimReport report)
    {
        var panels = new List<Plot>();
        string fabric = report.Fabric.Describe();
        foreach (CollectiveKind collective in report.Options.Collectives)
        {
            SimulationResult[] results = report.Results.Where(r => r.Collective == collective && r.IsAvailable && r.Bytes > 0).ToArray();
            Plot time = Panel($"{CollectiveNames.Name(collective)}: predicted time", "time (us)", logY: true);
            Plot busbw = Panel($"{CollectiveNames.Name(collective)}: bus bandwidth", "busbw (GB/s)", logY: false);
            foreach (SimulatedAlgorithm algorithm in report.Options.Algorithms)
            {
                SimulationResult[] line = results.Where(r => r.Algorithm == algorithm).OrderBy(r => r.Bytes).ToArray();
                if (line.Length == 0)
                {
                    continue;
                }
                double[] sizes = line.Select(r => Math.Log2(r.Bytes)).ToArray();
                string name = SimulatedAlgorithmNames.Name(algorithm);
                time.Add.Scatter(sizes, line.Select(r => Math.Log10(r.Seconds * 1e6)).ToArray()).LegendText = name;
                busbw.Add.Scatter(sizes, line.Select(SimReport.BusBandwidth).ToArray()).LegendText = name;
            }
            time.Axes.Bottom.Label.Text = busbw.Axes.Bottom.Label.Text = "message size (bytes)";
            busbw.XLabel("message size (bytes); " + fabric, size: 11);
            panels.Add(time);
            panels.Add(busbw);
        }
        return panels;
    }

    private static Plot Panel(string title, string yLabel, bool logY)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.YLabel(yLabel);
        // Sizes are drawn as log2 of bytes, labelled 1K, 1M, ...; times as log10 of µs, labelled 10^k.
        plot.Axes.Bottom.TickGenerator = new NumericAutomatic
        {
            IntegerTicksOnly = true,
            LabelFormatter = x => SizeParser.Format((long)Math.Round(Math.Pow(2, x))),
        };
        if (logY)
        {
            plot.Axes.Left.TickGenerator = new NumericAutomatic
            {
                IntegerTicksOnly = true,
                MinorTickGenerator = new LogMinorTickGenerator(),
                LabelFormatter = y => Math.Pow(10, y).ToString("G6", CultureInfo.InvariantCulture),
            };
        }
        plot.ShowLegend(Alignment.UpperLeft);
        return plot;
    }

    // ScottPlot saves one plot per SVG; the panels nest as SVG elements stacked top to bottom.
    private static string StackedSvg(List<Plot> panels)
    {
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture,
            $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{PanelHeight * panels.Count}\">\n");
        for (int i = 0; i < panels.Count; i++)
        {
            string panel = panels[i].GetSvgXml(Width, PanelHeight);
            int start = panel.IndexOf("<svg", StringComparison.Ordinal);
            svg.Append(CultureInfo.InvariantCulture, $"<g transform=\"translate(0,{i * PanelHeight})\">\n");
            svg.Append(start >= 0 ? panel[start..] : panel).Append("\n</g>\n");
        }
        svg.Append("</svg>\n");
        return svg.ToString();
    }
}
