using Collectives.Cli.CommandLine;

namespace Collectives.Cli.Perf;

/// <summary>
/// <c>collectives perf [collective] [flags]</c>: the nccl-tests-style benchmark. Exit code 0 when
/// every checked element was right, 1 when any was wrong or a collective failed, 2 for bad flags.
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

        IPerfReporter reporter = options.Json ? new PerfJsonReport(output) : new PerfTable(output);
        try
        {
            PerfSummary summary = await PerfRunner.RunAsync(options, reporter, cancellationToken).ConfigureAwait(false);
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
            error.WriteLine($"collectives perf: a collective failed: {e.Message}");
            return ExitCodes.Failure;
        }
        catch (OutOfMemoryException)
        {
            error.WriteLine($"collectives perf: the buffers for {options.Ranks} ranks up to {SizeParser.Format(options.MaxBytes)} " +
                "do not fit in memory; lower -e/--maxbytes or --ranks.");
            return ExitCodes.Failure;
        }
    }
}
