using System.Globalization;
using Collectives.Bootstrap;

namespace Collectives.Cli.Run;

/// <summary>
/// <c>collectives run -n N [--transports shm,tcp] [--env K=V]... [--] program [args...]</c>:
/// starts N local ranks of a program with the job's environment set, prefixes each output line
/// with its rank, and if any rank fails, stops the others and exits non-zero with the first
/// failure's message.
/// </summary>
internal static class RunCommand
{
    public const string Usage = """
        Usage: collectives run -n N [options] [--] program [args...]

        Starts N ranks of program on this host with COLLECTIVES_RANK, _SIZE, _LOCAL_RANK, _LOCAL_SIZE,
        _RENDEZVOUS (a store this command serves), _JOB_ID and _SECRET set, so that
        Communicator.FromEnvironmentAsync() connects them.

        Options:
          -n, --ranks N          number of ranks (required, 1..1024)
          --transports LIST      COLLECTIVES_TRANSPORTS for the ranks, e.g. shm,tcp or tcp
          --env KEY=VALUE        extra environment for every rank (repeatable)
          --bind core|none       core: each rank on a CPU of its own, in the order this process may use them
                                 (needs taskset and a CPU per rank; steadier small messages, slower large
                                 ones on 2 cores); none (default): the scheduler places them
          -h, --help             this text
        """;

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        int ranks = 0;
        bool bindCores = false;
        var environment = new Dictionary<string, string>();
        int index = 0;
        for (; index < args.Count; index++)
        {
            string arg = args[index];
            if (arg == "--")
            {
                index++;
                break;
            }
            if (!arg.StartsWith('-'))
            {
                break;
            }
            switch (arg)
            {
                case "-h" or "--help":
                    output.Write(Usage);
                    return ExitCodes.Success;
                case "-n" or "--ranks" or "-np":
                    if (index + 1 >= args.Count || !int.TryParse(args[++index], NumberStyles.None, CultureInfo.InvariantCulture, out ranks)
                        || ranks is < 1 or > 1024)
                    {
                        return UsageError(error, $"{arg} needs a rank count between 1 and 1024.");
                    }
                    break;
                case "--transports":
                    if (index + 1 >= args.Count)
                    {
                        return UsageError(error, "--transports needs a list such as shm,tcp.");
                    }
                    environment[EnvironmentVariables.Transports] = args[++index];
                    break;
                case "--bind":
                    if (index + 1 >= args.Count || args[index + 1] is not ("core" or "none"))
                    {
                        return UsageError(error, "--bind needs core or none.");
                    }
                    bindCores = args[++index] == "core";
                    break;
                case "--env":
                    if (index + 1 >= args.Count || args[index + 1].IndexOf('=', StringComparison.Ordinal) <= 0)
                    {
                        return UsageError(error, "--env needs KEY=VALUE.");
                    }
                    string pair = args[++index];
                    int equals = pair.IndexOf('=', StringComparison.Ordinal);
                    environment[pair[..equals]] = pair[(equals + 1)..];
                    break;
                default:
                    return UsageError(error, $"unknown option '{arg}'.");
            }
        }
        if (ranks == 0)
        {
            return UsageError(error, "-n N is required.");
        }
        if (index >= args.Count)
        {
            return UsageError(error, "no program to run.");
        }
        if (bindCores && (CoreBinding.Problem(ranks, TopologyDetection.AllowedCpus()) ?? await CoreBinding.ToolProblemAsync().ConfigureAwait(false)) is { } problem)
        {
            error.WriteLine($"collectives run: {problem}");
            return ExitCodes.Usage;
        }
        var request = new JobLaunchRequest(ranks, args[index], args.Skip(index + 1).ToArray(), environment, JobLaunchRequest.RankPrefix,
            bindCores);
        RankGroupResult result = await JobLauncher.RunAsync(request, output, error, cancellationToken).ConfigureAwait(false);
        return JobLauncher.Report(result, error, "collectives run");
    }

    private static int UsageError(TextWriter error, string message)
    {
        error.WriteLine($"collectives run: {message}");
        error.Write(Usage);
        return ExitCodes.Usage;
    }
}
