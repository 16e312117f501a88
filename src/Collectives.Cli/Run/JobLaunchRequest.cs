namespace Collectives.Cli.Run;

/// <summary>
/// What to launch: the program each rank runs, how many ranks, extra environment, how to tag
/// output lines, and whether each rank is bound to a CPU of its own (<see cref="CoreBinding"/>).
/// </summary>
internal sealed record JobLaunchRequest(
    int Ranks,
    string Program,
    IReadOnlyList<string> Arguments,
    IReadOnlyDictionary<string, string> Environment,
    Func<int, string> Prefix,
    bool BindCores = false)
{
    /// <summary>"[r] " before every line of rank r, so interleaved output stays readable.</summary>
    public static string RankPrefix(int rank) => $"[{rank}] ";
}
