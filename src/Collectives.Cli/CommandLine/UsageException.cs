namespace Collectives.Cli.CommandLine;

/// <summary>
/// A command line that cannot run: an unknown flag, a missing or malformed value. The message
/// names the flag and what it allows; the command prints it and exits with <see cref="ExitCodes.Usage"/>.
/// </summary>
internal sealed class UsageException : Exception
{
    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
