namespace Collectives.Tests.MultiProcess;

/// <summary>How a child process ended and what it printed.</summary>
internal sealed record ProcessResult(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit code {ExitCode}\nstdout:\n{Output}\nstderr:\n{Error}";
}
