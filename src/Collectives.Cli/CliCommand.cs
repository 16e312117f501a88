namespace Collectives.Cli;

/// <summary>
/// A subcommand of the <c>collectives</c> tool: its name, a one-line summary for the top-level
/// usage, and the handler, which gets the arguments after the name and returns the exit code.
/// </summary>
internal sealed record CliCommand(
    string Name,
    string Summary,
    Func<IReadOnlyList<string>, TextWriter, TextWriter, CancellationToken, Task<int>> RunAsync);
