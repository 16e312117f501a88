using System.Globalization;
using Collectives.Bootstrap;
using Collectives.Cli.CommandLine;
using Collectives.Cli.Perf;
using Collectives.Cli.Run;
using Collectives.Selection;
using Collectives.Topology;

namespace Collectives.Cli.Tune;

/// <summary>
/// <c>collectives tune</c>: measures the cost profile the selector prices algorithms with and
/// writes it in the tune file format (<see cref="CostProfileJson"/>). Started by a launcher it is
/// one rank of that job and measures the job's own link classes; otherwise it runs a 2-rank job
/// per transport (in this process for inprocess, as processes for shm and tcp, like perf) and
/// merges their links. Exit code 0 with a profile written, 1 when a measurement failed, 2 for bad flags.
/// </summary>
internal static class TuneCommand
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        TuneOptions options;
        try
        {
            options = TuneOptionsParser.Parse(args);
        }
        catch (UsageException e)
        {
            error.WriteLine($"collectives tune: {e.Message}");
            error.WriteLine("Run 'collectives tune --help' for usage.");
            return ExitCodes.Usage;
        }
        if (options.Help)
        {
            output.Write(TuneFlags.Usage());
            return ExitCodes.Success;
        }
        try
        {
            CostProfile? profile = LaunchDetection.IsLaunched()
                ? await RunLaunchedAsync(options, cancellationToken).ConfigureAwait(false)
                : await RunTransportsAsync(options, args, error, cancellationToken).ConfigureAwait(false);
            if (profile is not null)
            {
                Emit(profile, options, output, error);
            }
            return ExitCodes.Success;
        }
        catch (Exception e) when (cancellationToken.IsCancellationRequested)
        {
            error.WriteLine($"collectives tune: canceled ({e.GetType().Name}).");
            return ExitCodes.Canceled;
        }
        catch (Exception e) when (e is CollectiveException or JobEnvironmentException or IOException or UnauthorizedAccessException
            or TuneJobFailedException or InvalidDataException)
        {
            error.WriteLine($"collectives tune: {e.Message}");
            return ExitCodes.Failure;
        }
    }

    /// <summary>One rank of a launched job: connect, measure, and on rank 0 return the profile.</summary>
    private static async Task<CostProfile?> RunLaunchedAsync(TuneOptions options, CancellationToken cancellationToken)
    {
        JobLaunchInfo job = JobEnvironment.FromProcess();
        if (options.TransportsGiven)
        {
            job = job with { Transports = options.Transports.Where(t => t != PerfOptions.InProcessTransport).ToArray() };
        }
        await using Communicator world = await Communicator.ConnectAsync(new CommunicatorOptions { Job = job, Timeout = options.Timeout },
            cancellationToken).ConfigureAwait(false);
        return await TuneRank.RunAsync(world, options.Schedule, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// No launcher: a 2-rank job per transport, one after another so they do not slow each other
    /// down. Links come from each job; gamma from the first (every job measures it the same way).
    /// </summary>
    private static async Task<CostProfile> RunTransportsAsync(TuneOptions options, IReadOnlyList<string> args, TextWriter error,
        CancellationToken cancellationToken)
    {
        var links = new Dictionary<LinkClass, LinkCost>();
        CostCurve? gamma = null;
        foreach (string transport in options.Transports)
        {
            CostProfile measured = transport == PerfOptions.InProcessTransport
                ? await RunInProcessAsync(options, cancellationToken).ConfigureAwait(false)
                : await RunProcessesAsync(options, transport, error, cancellationToken).ConfigureAwait(false);
            LinkClass link = LinkClassNames.FromTransportName(transport);
            links[link] = measured.Links[link];
            gamma ??= measured.Gamma;
        }
        return TuneProfileBuilder.Profile(links, gamma!, TuneProfileBuilder.Source(options.Transports, DateTime.UtcNow));
    }

    private static async Task<CostProfile> RunInProcessAsync(TuneOptions options, CancellationToken cancellationToken)
    {
        Communicator[] group = Communicator.CreateLocalGroup(2, new CommunicatorOptions { Timeout = options.Timeout });
        try
        {
            CostProfile?[] results = await Task.WhenAll(group.Select(c => Task.Run(() => TuneRank.RunAsync(c, options.Schedule, cancellationToken),
                cancellationToken))).ConfigureAwait(false);
            return results[0]!;
        }
        finally
        {
            foreach (Communicator communicator in group)
            {
                await communicator.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Starts 2 ranks of this tool over <paramref name="transport"/>; rank 0 writes its profile to a temporary file read back here.</summary>
    private static async Task<CostProfile> RunProcessesAsync(TuneOptions options, string transport, TextWriter error, CancellationToken cancellationToken)
    {
        string file = Path.Combine(Path.GetTempPath(), $"collectives-tune-{Environment.ProcessId}-{transport}.json");
        try
        {
            var arguments = new List<string>
            {
                "tune", "--transports", transport, "--out", file,
                "--timeout", options.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture),
            };
            if (options.Quick)
            {
                arguments.Add("--quick");
            }
            if (options.Sizes is not null)
            {
                arguments.AddRange(["--sizes", string.Join(',', options.Sizes)]);
            }
            (string program, IReadOnlyList<string> programArguments) = SelfProgram.Resolve(arguments);
            var environment = new Dictionary<string, string> { [EnvironmentVariables.Transports] = transport };
            var request = new JobLaunchRequest(2, program, programArguments, environment, JobLaunchRequest.RankPrefix);
            // The ranks' own summaries are not wanted here: this process prints the merged one.
            RankGroupResult result = await JobLauncher.RunAsync(request, TextWriter.Null, error, cancellationToken).ConfigureAwait(false);
            if (JobLauncher.Report(result, error, $"collectives tune ({transport})") is var exit && exit != ExitCodes.Success)
            {
                throw new TuneJobFailedException($"the {transport} job failed (exit code {exit}); see the rank's message above.");
            }
            return CostProfileJson.Parse(await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false), file);
        }
        catch (FormatException e)
        {
            throw new InvalidDataException($"the {transport} job wrote an unreadable profile: {e.Message}", e);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>The profile to --out (with a summary on standard output) or, without --out, the profile on standard output and the summary on standard error.</summary>
    private static void Emit(CostProfile profile, TuneOptions options, TextWriter output, TextWriter error)
    {
        string json = CostProfileJson.Write(profile);
        if (options.OutputPath is { } path)
        {
            // Write then rename, so a job reading COLLECTIVES_TUNE_FILE never sees half a profile.
            string partial = path + ".partial";
            File.WriteAllText(partial, json);
            File.Move(partial, path, overwrite: true);
            output.Write(TuneSummary.Render(profile));
            output.WriteLine($"# wrote {path}; use it with COLLECTIVES_TUNE_FILE={path} or --tune-file {path}");
            output.Flush();
        }
        else
        {
            output.Write(json);
            output.Flush();
            error.Write(TuneSummary.Render(profile));
        }
    }
}
