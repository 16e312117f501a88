namespace Collectives.Cli;

/// <summary>The process exit codes every subcommand uses.</summary>
internal static class ExitCodes
{
    /// <summary>The command did its job (for perf: every result checked out).</summary>
    public const int Success = 0;

    /// <summary>The command ran but failed: wrong results, or a collective threw.</summary>
    public const int Failure = 1;

    /// <summary>The command line was wrong; nothing ran. Same as getopt-style tools.</summary>
    public const int Usage = 2;

    /// <summary>Interrupted with Ctrl+C: 128 + SIGINT, as shells report it.</summary>
    public const int Canceled = 130;
}
