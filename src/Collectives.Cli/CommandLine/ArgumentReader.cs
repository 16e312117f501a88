namespace Collectives.Cli.CommandLine;

/// <summary>
/// A small getopt_long-style tokenizer, hand-written because the repository pins no
/// command-line package: "-b 8", "-b8", "--minbytes 8", "--minbytes=8", switches such as
/// "--json", and "--" to end the flags. It only splits and matches names; each command
/// interprets the values.
/// </summary>
internal static class ArgumentReader
{
    /// <exception cref="UsageException">An unknown flag, a value missing after a flag, or a value given to a switch.</exception>
    public static List<ParsedArgument> Read(IReadOnlyList<string> args, IReadOnlyList<FlagSpec> flags, string command)
    {
        var result = new List<ParsedArgument>();
        bool flagsEnded = false;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (flagsEnded || arg.Length < 2 || arg[0] != '-' || IsNumber(arg))
            {
                result.Add(new ParsedArgument(null, arg));
                continue;
            }
            if (arg == "--")
            {
                flagsEnded = true;
                continue;
            }

            FlagSpec spec;
            string? inlineValue = null;
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                int equals = arg.IndexOf('=', StringComparison.Ordinal);
                string name = equals < 0 ? arg[2..] : arg[2..equals];
                inlineValue = equals < 0 ? null : arg[(equals + 1)..];
                spec = flags.FirstOrDefault(f => string.Equals(f.Long, name, StringComparison.Ordinal))
                    ?? throw Unknown(arg, command);
            }
            else
            {
                char letter = arg[1];
                spec = flags.FirstOrDefault(f => f.Short == letter) ?? throw Unknown(arg, command);
                if (arg.Length > 2)
                {
                    // getopt lets a short flag's value follow without a space ("-b8") or after '='.
                    inlineValue = arg[2] == '=' ? arg[3..] : arg[2..];
                }
            }

            if (!spec.TakesValue)
            {
                if (inlineValue is not null)
                {
                    throw new UsageException($"{spec.Display} takes no value, but got '{inlineValue}'.");
                }
                result.Add(new ParsedArgument(spec, null));
                continue;
            }
            if (inlineValue is null)
            {
                if (i + 1 >= args.Count)
                {
                    throw new UsageException($"{spec.Display} needs a value: {spec.ValueName}.");
                }
                inlineValue = args[++i];
            }
            result.Add(new ParsedArgument(spec, inlineValue));
        }
        return result;
    }

    /// <summary>"-1" is a value (a negative root, say), not a flag named '1'.</summary>
    private static bool IsNumber(string arg) => arg.Length > 1 && char.IsAsciiDigit(arg[1]);

    private static UsageException Unknown(string arg, string command) =>
        new($"unknown flag '{arg}'; run 'collectives {command} --help' for the flags it takes.");
}
