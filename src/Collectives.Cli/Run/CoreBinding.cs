using System.Globalization;
using Collectives.Cli.Hosts;

namespace Collectives.Cli.Run;

/// <summary>
/// <c>collectives run --bind core</c>: each rank's process bound to a core of its own, the
/// launcher's allowed CPUs in order (<see cref="Collectives.Bootstrap.TopologyDetection.AllowedCpus"/>), as mpirun binds by default. The ranks start under taskset,
/// so every thread the runtime creates inherits the core. It steadies small messages between
/// local ranks: unbound, the two processes of a 2-rank shm all-reduce sometimes shared a core and
/// an 8 B call took 4.8 µs instead of 0.6 µs (3 runs of 5); bound, every run took 0.6 µs. 64 B-2 MiB
/// measured the same, but 16 MiB ran 1.04-1.06x the time (each rank's background threads, the
/// runtime's and a transport's progress thread, then share its one core), so it is not the default.
/// </summary>
internal static class CoreBinding
{
    /// <summary>The tool that starts a rank on its core (util-linux).</summary>
    public const string Tool = "taskset";

    /// <summary>Why <paramref name="ranks"/> ranks cannot each have one of <paramref name="cpus"/>, or null when they can.</summary>
    public static string? Problem(int ranks, IReadOnlyList<int> cpus) => ranks <= cpus.Count ? null : string.Create(CultureInfo.InvariantCulture,
        $"--bind core needs a CPU per rank: {ranks} ranks, but this process may run on {cpus.Count} ({string.Join(',', cpus)}); run fewer ranks, or drop --bind to let them share.");

    /// <summary>Why ranks cannot be started under taskset here (it is not installed), or null when they can.</summary>
    public static async Task<string?> ToolProblemAsync()
    {
        SystemCommand.Result version = await SystemCommand.RunAsync(Tool, "--version").ConfigureAwait(false);
        return version.Succeeded ? null : $"--bind core starts each rank under {Tool}, which did not run here ({version.Error.Trim()}); install util-linux, or drop --bind.";
    }

    /// <summary>Rank r's command line: <paramref name="program"/> under taskset on the r-th of <paramref name="cpus"/>.</summary>
    public static IReadOnlyList<RankCommand> Commands(string program, IReadOnlyList<string> arguments, int ranks, IReadOnlyList<int> cpus) =>
        [.. Enumerable.Range(0, ranks).Select(rank =>
            new RankCommand(Tool, ["-c", cpus[rank].ToString(CultureInfo.InvariantCulture), program, .. arguments]))];
}
