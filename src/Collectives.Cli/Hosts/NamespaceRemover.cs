using System.Diagnostics;
using System.Globalization;

namespace Collectives.Cli.Hosts;

/// <summary>
/// Removes a network namespace for good: first every process still in it (deleting the name alone
/// would leave the namespace alive around them), then the name, which takes its veth ends and
/// qdiscs with it.
/// </summary>
internal static class NamespaceRemover
{
    /// <summary>Removes <paramref name="name"/>; returns a problem to report, or null when it is gone (or never was).</summary>
    public static async Task<string?> RemoveAsync(string name)
    {
        SystemCommand.Result pids = await SystemCommand.RunAsync("ip", "netns", "pids", name).ConfigureAwait(false);
        if (pids.Succeeded)
        {
            foreach (string line in pids.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
                {
                    Kill(pid);
                }
            }
        }
        SystemCommand.Result deleted = await SystemCommand.RunAsync("ip", "netns", "delete", name).ConfigureAwait(false);
        if (deleted.Succeeded || !await ExistsAsync(name).ConfigureAwait(false))
        {
            return null;
        }
        return $"could not delete network namespace {name}: {deleted.Error}";
    }

    /// <summary>Names of every network namespace (the first word of each line of 'ip netns list').</summary>
    public static async Task<IReadOnlyList<string>> ListAsync()
    {
        SystemCommand.Result list = await SystemCommand.RunAsync("ip", "netns", "list").ConfigureAwait(false);
        return list.Succeeded
            ? list.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(l => l.Split(' ')[0]).ToArray()
            : [];
    }

    private static async Task<bool> ExistsAsync(string name) => (await ListAsync().ConfigureAwait(false)).Contains(name);

    private static void Kill(int pid)
    {
        try
        {
            using Process process = Process.GetProcessById(pid);
            process.Kill(entireProcessTree: true);
            process.WaitForExit(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Gone already.
        }
    }
}
