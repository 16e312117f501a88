using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Collectives.Bootstrap;
using Collectives.Cli.CommandLine;
using Collectives.Cli.Run;

namespace Collectives.Cli.Hosts;

/// <summary>
/// <c>collectives hosts</c>: several emulated hosts on this machine (DESIGN.md, "Cross-machine
/// loopback tests"). <c>run</c> builds them (<see cref="EmulatedNetwork"/>), starts each host's
/// ranks inside its network namespace and a UTS namespace of their own with the host's name (so
/// the library's host identity differs per host and ranks of one host share memory), prefixes
/// their output, stops them all when one fails or the deadline passes, and always removes what
/// it built, also on Ctrl+C and SIGTERM. <c>cleanup</c> removes what crashed runs left;
/// <c>probe</c> says whether this machine can run it at all.
/// </summary>
internal static class HostsCommand
{
    public const string Usage = """
        Usage: collectives hosts run --hosts 2,1,3 [options] [--] program [args...]
               collectives hosts cleanup [--all]
               collectives hosts probe

        run      Emulates one host per count in --hosts (network namespace + own host name), joined by
                 veth pairs through a bridge on 10.231.0.0/24 (host i is 10.231.0.(i+1)), and starts that
                 many ranks on each, numbered host by host, with COLLECTIVES_RANK, _SIZE, _LOCAL_RANK,
                 _LOCAL_SIZE, _RENDEZVOUS (rank 0 serves it on host 0), _JOB_ID, _SECRET and
                 _TCP_ADDRESS set. Output lines are prefixed "[rank] ". If a rank fails the others are
                 stopped and the run exits with its code. Everything it made is removed when it ends.
          --hosts LIST       ranks per host: 2,1,3 or HOSTSxRANKS such as 3x2 (required)
          --rate RATE        tc tbf limit on every host's link, both directions (100mbit, 1gbit)
          --transports LIST  COLLECTIVES_TRANSPORTS for the ranks
          --env KEY=VALUE    extra environment for every rank (repeatable), e.g. COLLECTIVES_FAULTS=...
          --timeout T        deadline of the whole run (default 10m): past it every rank is stopped
        cleanup  Removes namespaces (coll-<pid>-*) of runs whose launcher is gone; --all removes every run's.
        probe    Exits 0 when this machine can emulate hosts (root, ip, unshare, namespaces), else 3 and why.

        Needs root, iproute2 (ip, tc) and util-linux (unshare).
        """;

    /// <summary>Exit code of probe when this machine cannot emulate hosts (tests skip on it).</summary>
    public const int UnavailableExitCode = 3;

    /// <summary>Exit code of a run stopped by its deadline, as timeout(1) uses.</summary>
    public const int DeadlineExitCode = 124;

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        string mode = args.Count > 0 ? args[0] : "";
        try
        {
            return mode switch
            {
                "run" => await RunHostsAsync(HostsOptionsParser.Parse(args.Skip(1).ToArray()), output, error, cancellationToken).ConfigureAwait(false),
                "cleanup" => await CleanupAsync(args.Skip(1).ToArray(), output, error).ConfigureAwait(false),
                "probe" => await ProbeAsync(output, error).ConfigureAwait(false),
                "-h" or "--help" => Help(output),
                _ => throw new UsageException(mode.Length == 0 ? "say what to do: run, cleanup or probe." : $"unknown mode '{mode}'."),
            };
        }
        catch (UsageException e)
        {
            error.WriteLine($"collectives hosts: {e.Message}");
            error.Write(Usage);
            return ExitCodes.Usage;
        }
    }

    private static int Help(TextWriter output)
    {
        output.Write(Usage);
        return ExitCodes.Success;
    }

    private static async Task<int> RunHostsAsync(HostsOptions options, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (await UnavailableReasonAsync(withNamespace: false).ConfigureAwait(false) is { } reason)
        {
            error.WriteLine($"collectives hosts: cannot emulate hosts here: {reason}");
            return UnavailableExitCode;
        }
        var layout = new HostLayout(Environment.ProcessId, options.RanksPerHost);
        using var deadline = new CancellationTokenSource(options.Deadline);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        // SIGTERM and SIGHUP stop the run like Ctrl+C does, so the teardown below still runs.
        using PosixSignalRegistration term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using PosixSignalRegistration hangUp = PosixSignalRegistration.Create(PosixSignal.SIGHUP, Stop);
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }

        error.WriteLine($"collectives hosts: {layout.Hosts} hosts ({string.Join(",", options.RanksPerHost)} ranks) in namespaces " +
            $"{layout.RunPrefix}h0..h{layout.Hosts - 1} on {HostLayout.Subnet}0/{HostLayout.PrefixLength}" +
            (options.Rate is null ? "" : $", {options.Rate} per host link"));
        EmulatedNetwork network;
        try
        {
            network = await EmulatedNetwork.CreateAsync(layout, options.Rate).ConfigureAwait(false);
        }
        catch (InvalidOperationException e)
        {
            error.WriteLine($"collectives hosts: could not build the emulated network (removed what was made): {e.Message}");
            return ExitCodes.Failure;
        }
        RankGroupResult result;
        try
        {
            (RankCommand[] commands, IReadOnlyDictionary<string, string>[] environments) = Ranks(layout, options);
            var group = new RankProcessGroup(output, error, JobLaunchRequest.RankPrefix);
            result = await group.RunAsync(commands, environments, stop.Token).ConfigureAwait(false);
        }
        finally
        {
            await network.DisposeAsync().ConfigureAwait(false);
            foreach (string problem in network.TeardownProblems)
            {
                error.WriteLine($"collectives hosts: cleanup: {problem} (run 'collectives hosts cleanup')");
            }
        }
        if (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            error.WriteLine($"collectives hosts: the run passed its {options.Deadline} deadline; stopped every rank.");
            return DeadlineExitCode;
        }
        int code = JobLauncher.Report(result, error, "collectives hosts");
        return code == ExitCodes.Success && network.TeardownProblems.Count > 0 ? ExitCodes.Failure : code;
    }

    /// <summary>Each rank's command line (inside its host's namespaces) and environment.</summary>
    private static (RankCommand[], IReadOnlyDictionary<string, string>[]) Ranks(HostLayout layout, HostsOptions options)
    {
        string jobId = "hosts-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        string secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var commands = new RankCommand[layout.Placements.Count];
        var environments = new IReadOnlyDictionary<string, string>[layout.Placements.Count];
        foreach (RankPlacement rank in layout.Placements)
        {
            // ip netns exec, unshare and sh all exec in turn: the rank is one process, which the group can stop.
            commands[rank.Rank] = new RankCommand("ip",
            [
                "netns", "exec", layout.HostNamespace(rank.Host), "unshare", "--uts", "--",
                "/bin/sh", "-c", "hostname \"$1\" || exit 126; shift; exec \"$@\"", "sh", layout.HostName(rank.Host),
                options.Program, .. options.Arguments,
            ]);
            environments[rank.Rank] = new Dictionary<string, string>(options.Environment)
            {
                [EnvironmentVariables.Rank] = rank.Rank.ToString(CultureInfo.InvariantCulture),
                [EnvironmentVariables.Size] = layout.Placements.Count.ToString(CultureInfo.InvariantCulture),
                [EnvironmentVariables.LocalRank] = rank.LocalRank.ToString(CultureInfo.InvariantCulture),
                [EnvironmentVariables.LocalSize] = rank.LocalSize.ToString(CultureInfo.InvariantCulture),
                [EnvironmentVariables.Rendezvous] = HostLayout.Rendezvous,
                [EnvironmentVariables.JobId] = jobId,
                [EnvironmentVariables.Secret] = secret,
                [EnvironmentVariables.TcpAddress] = HostLayout.HostAddress(rank.Host).ToString(),
            };
        }
        return (commands, environments);
    }

    private static async Task<int> CleanupAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        bool all = args.Count == 1 && args[0] == "--all";
        if (args.Count > 0 && !all)
        {
            throw new UsageException($"cleanup takes only --all, not '{string.Join(' ', args)}'.");
        }
        int failures = 0;
        foreach (string name in await LeftoverNamespaces.FindAsync(all).ConfigureAwait(false))
        {
            string? problem = await NamespaceRemover.RemoveAsync(name).ConfigureAwait(false);
            if (problem is null)
            {
                output.WriteLine($"collectives hosts: removed {name}");
            }
            else
            {
                error.WriteLine($"collectives hosts: {problem}");
                failures++;
            }
        }
        return failures == 0 ? ExitCodes.Success : ExitCodes.Failure;
    }

    private static async Task<int> ProbeAsync(TextWriter output, TextWriter error)
    {
        if (await UnavailableReasonAsync(withNamespace: true).ConfigureAwait(false) is { } reason)
        {
            error.WriteLine($"collectives hosts: unavailable: {reason}");
            return UnavailableExitCode;
        }
        output.WriteLine("collectives hosts: available (root, ip, tc, unshare, network and UTS namespaces)");
        return ExitCodes.Success;
    }

    /// <summary>Why hosts cannot be emulated here, or null. With <paramref name="withNamespace"/> it makes and removes a trial namespace too.</summary>
    private static async Task<string?> UnavailableReasonAsync(bool withNamespace)
    {
        if (!OperatingSystem.IsLinux())
        {
            return "network namespaces need Linux";
        }
        if (!Environment.IsPrivilegedProcess)
        {
            return "creating network namespaces needs root";
        }
        foreach ((string tool, string package) in new[] { ("ip", "iproute2"), ("tc", "iproute2"), ("unshare", "util-linux") })
        {
            if (!(await SystemCommand.RunAsync(tool, tool == "unshare" ? "--version" : "-V").ConfigureAwait(false)).Succeeded)
            {
                return $"'{tool}' is missing (install {package})";
            }
        }
        if (!withNamespace)
        {
            return null;
        }
        string trial = HostLayout.Prefix + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "-probe";
        try
        {
            if (await SystemCommand.RunAsync("ip", "netns", "add", trial).ConfigureAwait(false) is { Succeeded: false } added)
            {
                return $"'ip netns add' failed: {added.Error}";
            }
            SystemCommand.Result uts = await SystemCommand.RunAsync("ip", "netns", "exec", trial, "unshare", "--uts", "--", "hostname", "coll-probe")
                .ConfigureAwait(false);
            return uts.Succeeded ? null : $"a UTS namespace with its own host name could not be made: {uts.Error}";
        }
        finally
        {
            await NamespaceRemover.RemoveAsync(trial).ConfigureAwait(false);
        }
    }
}
