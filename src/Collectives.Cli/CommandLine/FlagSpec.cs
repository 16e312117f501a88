namespace Collectives.Cli.CommandLine;

/// <summary>
/// One flag a command accepts: its long name (without "--"), an optional one-letter short name,
/// whether it takes a value, and the help line. The same list drives parsing and --help.
/// </summary>
internal sealed record FlagSpec(string Long, char? Short, string? ValueName, string Help)
{
    /// <summary>True when the flag takes a value ("-b 8"); false for switches ("--json").</summary>
    public bool TakesValue => ValueName is not null;

    /// <summary>How messages name the flag: "-b/--minbytes", or "--ranks" without a short name.</summary>
    public string Display => Short is { } s ? $"-{s}/--{Long}" : $"--{Long}";
}
