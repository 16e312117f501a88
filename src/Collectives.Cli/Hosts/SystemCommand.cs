using System.Diagnostics;
using System.Text;

namespace Collectives.Cli.Hosts;

/// <summary>Runs a system tool (ip, tc) to completion under a deadline and reports what it said.</summary>
internal static class SystemCommand
{
    /// <summary>Plenty for one ip or tc call even on a loaded machine; a stuck one must not hold the run.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public bool Succeeded => ExitCode == 0;
    }

    /// <summary>Runs the command; a non-zero exit is returned, not thrown (cleanup tolerates "does not exist").</summary>
    public static async Task<Result> RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = new Process { StartInfo = start };
        var output = new StringBuilder();
        var error = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (error) { error.AppendLine(e.Data); } } };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return new Result(127, "", $"{program}: {e.Message}");
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var deadline = new CancellationTokenSource(Deadline);
        try
        {
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return new Result(124, output.ToString(), $"{program} {string.Join(' ', arguments)} did not finish within {Deadline.TotalSeconds} s");
        }
        return new Result(process.ExitCode, output.ToString(), error.ToString().Trim());
    }

    /// <summary>Runs the command and throws with the command line and its error output when it fails.</summary>
    public static async Task<string> RequireAsync(string program, params string[] arguments)
    {
        Result result = await RunAsync(program, arguments).ConfigureAwait(false);
        return result.Succeeded ? result.Output : throw new InvalidOperationException(
            $"'{program} {string.Join(' ', arguments)}' failed (exit code {result.ExitCode}): {result.Error}");
    }
}
