using System.Globalization;
using System.Text.RegularExpressions;

namespace Collectives.Cli.Hosts;

/// <summary>
/// Finds namespaces that <c>collectives hosts</c> runs left behind: named <c>coll-&lt;pid&gt;-...</c>
/// after the launcher that made them, and left over when that launcher is no longer running
/// (killed with SIGKILL, or the machine's power went mid-run; every other ending removes them itself).
/// </summary>
internal static partial class LeftoverNamespaces
{
    [GeneratedRegex(@"^coll-(\d{1,10})-(br|h\d{1,3}|probe)$", RegexOptions.CultureInvariant)]
    private static partial Regex OurName();

    /// <summary>Our namespaces whose launcher is gone; with <paramref name="all"/>, every one of ours.</summary>
    public static async Task<IReadOnlyList<string>> FindAsync(bool all)
    {
        var found = new List<string>();
        foreach (string name in await NamespaceRemover.ListAsync().ConfigureAwait(false))
        {
            Match match = OurName().Match(name);
            if (match.Success && (all || !IsRunning(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture))))
            {
                found.Add(name);
            }
        }
        return found;
    }

    /// <summary>Whether a launcher with this pid still runs: a live process of that pid running this tool.</summary>
    internal static bool IsRunning(int pid)
    {
        try
        {
            string commandLine = File.ReadAllText($"/proc/{pid}/cmdline");
            return commandLine.Contains("hosts", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
