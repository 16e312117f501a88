using Collectives.Cli.Perf;

namespace Collectives.Cli;

/// <summary>
/// Picks the subcommand from the first argument (<c>collectives perf ...</c>). New subcommands
/// (run, topo, explain, tune, sim) are one more entry in <see cref="Commands"/>.
/// </summary>
internal static class CommandDispatcher
{
    public static IReadOnlyList<CliCommand> Commands { get; } =
    [
        new("perf", "sweep message sizes and print nccl-tests-style bandwidth tables", PerfCommand.RunAsync),
        new("run", "start N local ranks of a program as one job (a launcher)", Run.RunCommand.RunAsync),
        new("check", "check every collective's results on the ranks of a job (run it under a launcher)", Check.CheckCommand.RunAsync),
        new("explain", "print each algorithm's predicted time per size on a topology, the winner and why", Explain.ExplainCommand.RunAsync),
        new("tune", "measure this machine's link and reduction costs and write a profile for the selector", Tune.TuneCommand.RunAsync),
        new("store", "serve a rendezvous store for jobs whose ranks are started elsewhere", Store.StoreCommand.RunAsync),
        new("hosts", "emulate several hosts on this machine (network namespaces) and run a job's ranks on them", Hosts.HostsCommand.RunAsync),
        new("topo", "print the job's topology: hosts, placements, link classes (run it under a launcher, or --file)", Topo.TopoCommand.RunAsync),
        new("sim", "predict collectives on simulated electrical, optical-circuit and hybrid fabrics of up to 65,536 ranks", Sim.SimCommand.RunAsync),
    ];

    public static Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (args.Count == 0)
        {
            error.Write(Usage());
            return Task.FromResult(ExitCodes.Usage);
        }
        string name = args[0];
        if (name is "-h" or "--help" or "help")
        {
            output.Write(Usage());
            return Task.FromResult(ExitCodes.Success);
        }
        CliCommand? command = Commands.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.Ordinal));
        if (command is null)
        {
            error.WriteLine($"collectives: unknown command '{name}'.");
            error.Write(Usage());
            return Task.FromResult(ExitCodes.Usage);
        }
        return command.RunAsync(args.Skip(1).ToArray(), output, error, cancellationToken);
    }

    public static string Usage()
    {
        var text = new StringWriter();
        text.WriteLine("Usage: collectives <command> [arguments]");
        text.WriteLine();
        text.WriteLine("Commands:");
        foreach (CliCommand command in Commands)
        {
            text.WriteLine($"  {command.Name,-10}{command.Summary}");
        }
        text.WriteLine();
        text.WriteLine("Run 'collectives <command> --help' for a command's flags.");
        return text.ToString();
    }
}
