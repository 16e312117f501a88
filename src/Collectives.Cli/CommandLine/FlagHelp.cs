namespace Collectives.Cli.CommandLine;

/// <summary>The "Flags:" lines of a command's --help, from the same specs that drive parsing.</summary>
internal static class FlagHelp
{
    /// <summary>Writes one line per flag: "-b, --minbytes BYTES  help", the names padded to <paramref name="width"/>.</summary>
    public static void Write(TextWriter text, IEnumerable<FlagSpec> flags, int width)
    {
        foreach (FlagSpec flag in flags)
        {
            string left = flag.Short is { } s ? $"-{s}, --{flag.Long}" : $"    --{flag.Long}";
            if (flag.ValueName is not null)
            {
                left += " " + flag.ValueName;
            }
            text.WriteLine($"  {left.PadRight(width)} {flag.Help}");
        }
    }
}
