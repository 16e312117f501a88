using System.Diagnostics;
using System.Text;

namespace Collectives.Tests.MultiProcess;

/// <summary>Runs the <c>collectives</c> tool (or another program) as a child process and collects what it printed.</summary>
internal static class CliProcess
{
    /// <summary>Cap on one child run, so a hang fails the test rather than the whole suite.</summary>
    public static readonly TimeSpan Guard = TimeSpan.FromMinutes(4);

    /// <summary>The tool's apphost, copied next to the tests by the project reference.</summary>
    public static string Tool => Path.Combine(AppContext.BaseDirectory, "Collectives.Cli");

    public static Task<ProcessResult> RunToolAsync(params string[] arguments) => RunAsync(Tool, arguments);

    public static async Task<ProcessResult> RunAsync(string program, IReadOnlyList<string> arguments,
        IReadOnlyDictionary<string, string>? environment = null)
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
        foreach ((string key, string value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }
        using var process = new Process { StartInfo = start };
        var output = new StringBuilder();
        var error = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (error) { error.AppendLine(e.Data); } } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var guard = new CancellationTokenSource(Guard);
        try
        {
            await process.WaitForExitAsync(guard.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{program} {string.Join(' ', arguments)} did not finish within {Guard}.\nstdout:\n{output}\nstderr:\n{error}");
        }
        return new ProcessResult(process.ExitCode, output.ToString(), error.ToString());
    }

    /// <summary>The full path of a program on PATH, or null.</summary>
    public static string? Find(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);
}
