namespace Collectives.Cli.CommandLine;

/// <summary>
/// One item of a tokenized command line: a flag with its value (null for a switch), or a
/// positional word (<see cref="Flag"/> null, the word in <see cref="Value"/>).
/// </summary>
internal readonly record struct ParsedArgument(FlagSpec? Flag, string? Value);
