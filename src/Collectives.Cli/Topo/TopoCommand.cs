using Collectives.Bootstrap;
using Collectives.Cli.Run;
using Collectives.Topology;

namespace Collectives.Cli.Topo;

/// <summary>
/// <c>collectives topo</c>: run under a launcher, every rank connects and rank 0 prints the
/// topology the job gathered (hosts, where each rank runs, the link class of every pair), so an
/// operator sees what the selector will see. <c>--json [PATH]</c> writes it as a topology file;
/// <c>--file PATH</c> needs no launcher: it reads a topology file and prints it, to check a file
/// before a job is pointed at it with COLLECTIVES_TOPOLOGY_FILE.
/// </summary>
internal static class TopoCommand
{
    public const string Usage = """
        Usage: collectives run -n N [--transports T] -- collectives topo [--json [PATH]]
               collectives topo --file PATH [--json [PATH]]

        Prints the job's topology: hosts, each rank's NUMA node, socket, core, interface and
        address, and the link class of every pair of ranks.
          --json [PATH]   write the topology as JSON (a file COLLECTIVES_TOPOLOGY_FILE can name)
                          to PATH, or to stdout instead of the text when PATH is left out or "-"
          --file PATH     read a topology file instead of connecting (no launcher needed)
        """;

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        bool json = false;
        string? jsonPath = null;
        string? file = null;
        for (int i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "-h" or "--help":
                    output.Write(Usage);
                    return ExitCodes.Success;
                case "--json":
                    json = true;
                    // The path is optional: a following word that is not a flag is it.
                    if (i + 1 < args.Count && (args[i + 1] == "-" || !args[i + 1].StartsWith('-')))
                    {
                        jsonPath = args[++i] == "-" ? null : args[i];
                    }
                    break;
                case "--file" when i + 1 < args.Count:
                    file = args[++i];
                    break;
                default:
                    error.WriteLine($"collectives topo: bad or incomplete option '{args[i]}'.");
                    error.Write(Usage);
                    return ExitCodes.Usage;
            }
        }

        if (file is not null)
        {
            try
            {
                return Emit(TopologyFile.Read(file), json, jsonPath, output, error);
            }
            catch (TopologyFileException e)
            {
                error.WriteLine($"collectives topo: {e.Message}");
                return ExitCodes.Failure;
            }
        }
        if (!LaunchDetection.IsLaunched())
        {
            error.WriteLine("collectives topo: run it as the ranks of a job, e.g. 'collectives run -n 3 -- collectives topo', " +
                "or check a topology file with 'collectives topo --file PATH'.");
            return ExitCodes.Usage;
        }

        Communicator? communicator = null;
        try
        {
            communicator = await Communicator.FromEnvironmentAsync(cancellationToken).ConfigureAwait(false);
            int exitCode = communicator.Rank == 0 ? Emit(communicator.Topology, json, jsonPath, output, error) : ExitCodes.Success;
            // Nobody leaves before rank 0 has printed, so no rank's exit looks like a failure to the others.
            await communicator.BarrierAsync(cancellationToken).ConfigureAwait(false);
            return exitCode;
        }
        catch (Exception e) when (e is CollectiveException or JobEnvironmentException or AuthenticationException)
        {
            error.WriteLine($"collectives topo: {e.GetType().Name}: {e.Message}");
            return ExitCodes.Failure;
        }
        finally
        {
            if (communicator is not null)
            {
                await communicator.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>The report, the JSON on stdout, or both the report and a JSON file.</summary>
    private static int Emit(JobTopology topology, bool json, string? jsonPath, TextWriter output, TextWriter error)
    {
        if (json && jsonPath is null)
        {
            output.Write(TopologyJson.Write(topology));
            return ExitCodes.Success;
        }
        TopologyReport.Write(topology, output);
        if (json)
        {
            try
            {
                File.WriteAllText(jsonPath!, TopologyJson.Write(topology));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"collectives topo: cannot write '{jsonPath}': {e.Message}");
                return ExitCodes.Failure;
            }
            output.WriteLine();
            output.WriteLine($"wrote {jsonPath}");
        }
        return ExitCodes.Success;
    }
}
