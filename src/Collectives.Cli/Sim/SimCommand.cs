using Collectives.Bootstrap;
using Collectives.Cli.CommandLine;
using Collectives.Connection;
using Collectives.Optical.Planning;
using Collectives.Optical.Switches;
using Collectives.Selection;
using Collectives.Simulation;

namespace Collectives.Cli.Sim;

/// <summary>
/// <c>collectives sim</c>: predicts collectives on a fabric far larger than this machine
/// (electrical fat-trees, optical circuit switches, hybrids; 2 to 65,536 ranks) from the
/// algorithms' steps, printing per collective, size and algorithm the time, bus bandwidth, what
/// the time went on, and how often the circuits change. Nothing runs but the model.
/// </summary>
internal static class SimCommand
{
    public static string Usage()
    {
        var text = new StringWriter();
        text.WriteLine("Usage: collectives sim [--network electrical|optical|hybrid] [--ranks N] [--switch NAME] [flags]");
        text.WriteLine("   or: collectives sim --fabric FILE.json [flags that override it]");
        text.WriteLine();
        text.WriteLine("Predicts each algorithm's time per collective and size on a simulated fabric, with the");
        text.WriteLine("latency, bandwidth, reduction and reconfiguration it spends (us) and the circuits' plan.");
        text.WriteLine();
        FlagHelp.Write(text, SimFlags.All, 28);
        text.WriteLine();
        text.WriteLine("Switch presets:");
        foreach (OpticalSwitchSpec preset in OpticalSwitchPresets.All)
        {
            text.WriteLine($"  {preset.Name,-12} {preset.Description}");
        }
        text.WriteLine();
        text.WriteLine("A fabric file (times in us, bandwidths in GB/s; the sections present choose the networks):");
        text.WriteLine("  { \"version\": 1, \"ranks\": 1024, \"ranks_per_node\": 8, \"alpha_us\": 2,");
        text.WriteLine("    \"electrical\": { \"nic_bandwidth_gbs\": 200, \"leaf_size\": 32, \"oversubscription\": 3 },");
        text.WriteLine("    \"optical\": { \"switch\": \"mems-ocs\", \"degree\": 4, \"current\": \"ring\", \"foreign_circuits\": [[0, 130, 131]] },");
        text.WriteLine("    \"intra\": { \"alpha_us\": 1, \"bandwidth_gbs\": 100 } }");
        return text.ToString();
    }

    public static Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        try
        {
            SimOptions? options = SimOptionsParser.Parse(args, File.ReadAllText);
            if (options is null)
            {
                output.Write(Usage());
                return Task.FromResult(ExitCodes.Success);
            }
            CostProfile profile = CostProfileLoader.Load(options.TuneFile ?? Environment.GetEnvironmentVariable(EnvironmentVariables.TuneFile));
            SimReport report = Run(options, profile, cancellationToken);
            output.Write(options.Json ? SimJsonReport.Render(report) : SimTable.Render(report));
            if (options.Plot is { } plot)
            {
                SimPlot.Save(report, plot);
                if (!options.Json)
                {
                    output.WriteLine($"# plot: {plot}");
                }
            }
            return Task.FromResult(ExitCodes.Success);
        }
        catch (UsageException e)
        {
            error.WriteLine($"collectives sim: {e.Message}");
            error.Write(Usage());
            return Task.FromResult(ExitCodes.Usage);
        }
        catch (OperationCanceledException)
        {
            return Task.FromResult(ExitCodes.Canceled);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or IOException or UnauthorizedAccessException or InvalidDataException)
        {
            error.WriteLine($"collectives sim: {e.Message}");
            return Task.FromResult(ExitCodes.Failure);
        }
    }

    /// <summary>Prices every collective × size × algorithm asked for (and the break-even times when asked) on the options' fabric.</summary>
    public static SimReport Run(SimOptions options, CostProfile profile, CancellationToken cancellationToken = default)
    {
        SimulatedFabric fabric = options.Fabric.Build(profile);
        double Reduce(long bytes, long workingSet) => profile.ReduceTime(bytes, options.DataType, workingSet);
        var plan = new PlanOptions { UseP99 = options.UseP99, IdleBeforeCall = options.IdleBeforeCall };
        var simulator = new Simulator(fabric, Reduce, plan);
        var results = new List<SimulationResult>();
        var breakEvens = new Dictionary<(CollectiveKind, long), IReadOnlyList<BreakEven>>();
        foreach (CollectiveKind collective in options.Collectives)
        {
            foreach (long bytes in options.Sizes)
            {
                cancellationToken.ThrowIfCancellationRequested();
                results.AddRange(simulator.Compare(collective, bytes, options.Algorithms));
                if (options.BreakEven && fabric.Optical is not null)
                {
                    breakEvens[(collective, bytes)] = ReconfigurationBreakEven.Find(fabric, collective, bytes, options.Algorithms, Reduce, plan);
                }
            }
        }
        return new SimReport(options, fabric, profile, results, breakEvens);
    }
}
