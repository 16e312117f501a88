using System.Diagnostics;

namespace Collectives.Cli.Run;

/// <summary>
/// Runs one process per rank, prefixes each output line with its rank, and stops the group when
/// one fails: the others get a grace period to report their own view of the failure (they
/// usually fail fast on their own), then are killed. The first failure is the one reported.
/// </summary>
internal sealed class RankProcessGroup
{
    /// <summary>Time the surviving ranks get to fail on their own (and print why) before they are killed.</summary>
    public static readonly TimeSpan GraceAfterFailure = TimeSpan.FromSeconds(5);

    /// <summary>Lines of a failed rank's stderr kept to explain the failure.</summary>
    private const int TailLines = 6;

    private readonly object _outputGate = new();
    private readonly TextWriter _output;
    private readonly TextWriter _error;
    private readonly Func<int, string> _prefix;

    /// <param name="prefix">What goes before each line of a rank's output ("[3] ").</param>
    public RankProcessGroup(TextWriter output, TextWriter error, Func<int, string> prefix)
    {
        _output = output;
        _error = error;
        _prefix = prefix;
    }

    /// <summary>
    /// Starts <paramref name="environments"/>.Count processes of <paramref name="program"/>, rank r
    /// with environment r added to this process's, and waits for all. Returns the exit code to
    /// report: 0 when every rank succeeded, else the first failed rank's.
    /// </summary>
    public Task<RankGroupResult> RunAsync(string program, IReadOnlyList<string> arguments,
        IReadOnlyList<IReadOnlyDictionary<string, string>> environments, CancellationToken cancellationToken) =>
        RunAsync(environments.Select(_ => new RankCommand(program, arguments)).ToArray(), environments, cancellationToken);

    /// <summary>As above, with a command line per rank (<c>collectives hosts</c> starts each inside its host's namespace).</summary>
    public async Task<RankGroupResult> RunAsync(IReadOnlyList<RankCommand> commands,
        IReadOnlyList<IReadOnlyDictionary<string, string>> environments, CancellationToken cancellationToken)
    {
        int ranks = environments.Count;
        var processes = new Process[ranks];
        var tails = new Queue<string>[ranks];
        var exits = new Task<int>[ranks];
        for (int rank = 0; rank < ranks; rank++)
        {
            tails[rank] = new Queue<string>();
            processes[rank] = Start(commands[rank].Program, commands[rank].Arguments, environments[rank], rank, tails[rank]);
            exits[rank] = WaitForExitAsync(processes[rank]);
        }

        RankFailure? first = null;
        using CancellationTokenRegistration registration = cancellationToken.Register(() => KillAll(processes));
        var pending = exits.ToList();
        while (pending.Count > 0)
        {
            Task<int> done = await Task.WhenAny(pending).ConfigureAwait(false);
            pending.Remove(done);
            int rank = Array.IndexOf(exits, done);
            int code = await done.ConfigureAwait(false);
            if (code != 0 && first is null)
            {
                string tail;
                lock (_outputGate)
                {
                    tail = string.Join(Environment.NewLine, tails[rank]);
                }
                first = new RankFailure(rank, code, tail);
                _ = KillAfterGraceAsync(processes, exits);
            }
        }
        foreach (Process process in processes)
        {
            process.Dispose();
        }
        return new RankGroupResult(first, cancellationToken.IsCancellationRequested);
    }

    private Process Start(string program, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment,
        int rank, Queue<string> tail)
    {
        var start = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach ((string key, string value) in environment)
        {
            start.Environment[key] = value;
        }
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Write(_output, rank, e.Data, tail: null);
        process.ErrorDataReceived += (_, e) => Write(_error, rank, e.Data, tail);
        if (!process.Start())
        {
            throw new InvalidOperationException($"collectives run: could not start rank {rank}: {program}");
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private void Write(TextWriter writer, int rank, string? line, Queue<string>? tail)
    {
        if (line is null)
        {
            return;
        }
        lock (_outputGate)
        {
            // One line at a time under a lock, so lines of different ranks never interleave mid-line.
            writer.WriteLine(_prefix(rank) + line);
            writer.Flush();
            if (tail is not null)
            {
                tail.Enqueue(line);
                while (tail.Count > TailLines)
                {
                    tail.Dequeue();
                }
            }
        }
    }

    private static async Task<int> WaitForExitAsync(Process process)
    {
        await process.WaitForExitAsync().ConfigureAwait(false);
        // WaitForExitAsync returns once the output streams are drained too, so the tail is complete.
        return process.ExitCode;
    }

    private static async Task KillAfterGraceAsync(Process[] processes, Task<int>[] exits)
    {
        await Task.WhenAny(Task.WhenAll(exits), Task.Delay(GraceAfterFailure)).ConfigureAwait(false);
        KillAll(processes);
    }

    private static void KillAll(Process[] processes)
    {
        foreach (Process process in processes)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }
            }
            catch (InvalidOperationException)
            {
                // Exited between the check and the kill.
            }
        }
    }
}
