using Collectives.Bootstrap;
using Collectives.Cli.CommandLine;
using Collectives.Cli.Run;
using Collectives.Connection;
using Collectives.Transport.Circuits;

namespace Collectives.Cli.Perf;

/// <summary>
/// <c>collectives perf [collective] [flags]</c>: the nccl-tests-style benchmark. Three ways to run:
/// started by a launcher, it is one rank of that job; with <c>--transport inprocess</c> its ranks
/// are tasks in this process; with <c>--transport shm|tcp|rdma</c> it starts <c>--ranks</c> copies of
/// itself as a local job. Exit code 0 when every checked element was right, 1 when any was wrong
/// or a collective failed, 2 for bad flags.
/// </summary>
internal static class PerfCommand
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        PerfOptions options;
        try
        {
            options = PerfOptionsParser.Parse(args);
        }
        catch (UsageException e)
        {
            error.WriteLine($"collectives perf: {e.Message}");
            error.WriteLine("Run 'collectives perf --help' for usage.");
            return ExitCodes.Usage;
        }
        if (options.Help)
        {
            output.Write(PerfFlags.Usage());
            return ExitCodes.Success;
        }

        try
        {
            // Loaded here once, so a bad file fails before any rank starts; launched ranks load it the same way.
            options = options with
            {
                CostProfile = CostProfileLoader.Load(options.TuneFile ?? Environment.GetEnvironmentVariable(EnvironmentVariables.TuneFile)),
                // In-process ranks read no environment of their own; launched ranks read the same variable themselves.
                Circuits = Environment.GetEnvironmentVariable(EnvironmentVariables.Circuits) is { } circuits ? CircuitSpecParser.Parse(circuits) : null,
            };
        }
        catch (InvalidDataException e)
        {
            error.WriteLine($"collectives perf: {e.Message}");
            return ExitCodes.Failure;
        }
        catch (ArgumentException e)
        {
            error.WriteLine($"collectives perf: {EnvironmentVariables.Circuits}: {e.Message}");
            return ExitCodes.Failure;
        }

        bool launched = LaunchDetection.IsLaunched();
        if (!launched && options.Transport != PerfOptions.InProcessTransport)
        {
            // Start the ranks as processes; rank 0 prints the table, the others only their errors.
            (string program, IReadOnlyList<string> arguments) = SelfProgram.Resolve(["perf", .. args]);
            var environment = new Dictionary<string, string> { [EnvironmentVariables.Transports] = options.Transport };
            var request = new JobLaunchRequest(options.Ranks, program, arguments, environment,
                rank => rank == 0 ? "" : JobLaunchRequest.RankPrefix(rank));
            RankGroupResult result = await JobLauncher.RunAsync(request, output, error, cancellationToken).ConfigureAwait(false);
            return JobLauncher.Report(result, error, "collectives perf");
        }

        IPerfReporter reporter = options.Json ? new PerfJsonReport(output) : new PerfTable(output);
        Communicator? communicator = null;
        try
        {
            PerfSummary summary;
            if (launched)
            {
                communicator = await ConnectAsync(options, cancellationToken).ConfigureAwait(false);
                options = options with
                {
                    Ranks = communicator.Size,
                    Transport = communicator.Size > 1 ? communicator.TransportTo((communicator.Rank + 1) % communicator.Size)! : options.Transport,
                };
                summary = await PerfRunner.RunAsync(options, [communicator], reporter, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                summary = await PerfRunner.RunInProcessAsync(options, reporter, cancellationToken).ConfigureAwait(false);
            }
            if (!summary.Passed)
            {
                error.WriteLine($"collectives perf: {summary.Wrong} elements differed from the expected results.");
                return ExitCodes.Failure;
            }
            return ExitCodes.Success;
        }
        catch (Exception e) when (cancellationToken.IsCancellationRequested)
        {
            error.WriteLine($"collectives perf: canceled ({e.GetType().Name}).");
            return ExitCodes.Canceled;
        }
        catch (CollectiveException e)
        {
            error.WriteLine($"collectives perf: a collective failed: {e.GetType().Name}: {e.Message}");
            return ExitCodes.Failure;
        }
        catch (JobEnvironmentException e)
        {
            error.WriteLine($"collectives perf: {e.Message}");
            return ExitCodes.Failure;
        }
        catch (Exception e) when (launched && communicator is null && e is InvalidOperationException or ArgumentException or PlatformNotSupportedException or IOException)
        {
            // The job's transports could not start (an unavailable transport forced, an RDMA provider that does not open).
            error.WriteLine($"collectives perf: could not connect: {e.GetType().Name}: {e.Message}");
            return ExitCodes.Failure;
        }
        catch (OutOfMemoryException)
        {
            error.WriteLine($"collectives perf: the buffers for {options.Ranks} ranks up to {SizeParser.Format(options.MaxBytes)} " +
                "do not fit in memory; lower -e/--maxbytes or --ranks.");
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

    /// <summary>This process's rank of the job its launcher started, with perf's flags applied.</summary>
    private static Task<Communicator> ConnectAsync(PerfOptions options, CancellationToken cancellationToken)
    {
        JobLaunchInfo job = JobEnvironment.FromProcess();
        if (options.TransportGiven && options.Transport != PerfOptions.InProcessTransport)
        {
            job = job with { Transports = [options.Transport] };
        }
        CommunicatorOptions communicatorOptions = options.ToCommunicatorOptions() with { Job = job };
        return Communicator.ConnectAsync(communicatorOptions, cancellationToken);
    }
}
