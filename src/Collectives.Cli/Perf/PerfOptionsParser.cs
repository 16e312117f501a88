using System.Globalization;
using Collectives.Cli.CommandLine;
using Collectives.Kernels;

namespace Collectives.Cli.Perf;

/// <summary>
/// Turns <c>collectives perf</c>'s arguments into <see cref="PerfOptions"/>. Every error names
/// the flag, the value given and what is allowed; nothing runs until the whole line is valid.
/// </summary>
internal static class PerfOptionsParser
{
    /// <exception cref="UsageException">The arguments are not a valid perf command line.</exception>
    public static PerfOptions Parse(IReadOnlyList<string> args)
    {
        var options = new PerfOptions();
        bool collectiveGiven = false;
        foreach (ParsedArgument argument in ArgumentReader.Read(args, PerfFlags.All, "perf"))
        {
            if (argument.Flag is null)
            {
                if (collectiveGiven)
                {
                    throw new UsageException($"unexpected argument '{argument.Value}': give one collective, then flags.");
                }
                if (!CollectiveNames.TryParse(argument.Value!, out CollectiveKind collective))
                {
                    throw new UsageException($"unknown collective '{argument.Value}'; use one of " +
                        $"{string.Join(", ", CollectiveNames.All.Select(CollectiveNames.Name))}.");
                }
                options = options with { Collective = collective };
                collectiveGiven = true;
                continue;
            }
            options = Apply(options, argument.Flag, argument.Value);
        }
        return options.Help ? options : Validate(options);
    }

    private static PerfOptions Apply(PerfOptions options, FlagSpec flag, string? value)
    {
        string text = value ?? "";
        if (flag == PerfFlags.MinBytes) return options with { MinBytes = Positive(flag, Size(flag, text)) };
        if (flag == PerfFlags.MaxBytes) return options with { MaxBytes = Positive(flag, Size(flag, text)) };
        if (flag == PerfFlags.StepFactor) return options with { StepFactor = Integer(flag, text, 2, 1 << 20, "an integer of at least 2") };
        if (flag == PerfFlags.StepBytes) return options with { StepBytes = Positive(flag, Size(flag, text)) };
        if (flag == PerfFlags.Iterations) return options with { Iterations = Integer(flag, text, 1, int.MaxValue, "a positive integer") };
        if (flag == PerfFlags.Warmup) return options with { WarmupIterations = Integer(flag, text, 0, int.MaxValue, "an integer of at least 0") };
        if (flag == PerfFlags.Budget) return options with { BudgetBytes = Positive(flag, Size(flag, text)) };
        if (flag == PerfFlags.Check) return options with { Check = Integer(flag, text, 0, 1, "0 (off) or 1 (on)") == 1 };
        if (flag == PerfFlags.Root) return options with { Root = Integer(flag, text, 0, PerfOptions.MaxRanks - 1, "a rank, 0 or more") };
        if (flag == PerfFlags.Ranks) return options with { Ranks = Integer(flag, text, 1, PerfOptions.MaxRanks, $"an integer from 1 to {PerfOptions.MaxRanks}") };
        if (flag == PerfFlags.Json) return options with { Json = true };
        if (flag == PerfFlags.Predict) return options with { Predict = true };
        if (flag == PerfFlags.TuneFile) return options with { TuneFile = text.Length > 0 ? text : throw new UsageException($"{flag.Display} needs a path.") };
        if (flag == PerfFlags.Help) return options with { Help = true };
        if (flag == PerfFlags.Op)
        {
            return ReduceOpNames.TryParse(text, out ReduceOp op) ? options with { Op = op }
                : throw new UsageException($"unknown op '{text}' for {flag.Display}; use one of {ReduceOpNames.Allowed()}.");
        }
        if (flag == PerfFlags.DataType)
        {
            return DataTypeNames.TryParse(text, out DataType type) ? options with { DataType = type }
                : throw new UsageException($"unknown dtype '{text}' for {flag.Display}; use one of {DataTypeNames.Allowed()}.");
        }
        if (flag == PerfFlags.Algorithm)
        {
            return options with { Algorithm = string.IsNullOrWhiteSpace(text) ? null : text.Trim() };
        }
        if (flag == PerfFlags.Transport)
        {
            string name = text.Trim().ToLowerInvariant();
            if (name is "in-process" or "inproc")
            {
                name = PerfOptions.InProcessTransport;
            }
            return PerfOptions.Transports.Contains(name) ? options with { Transport = name, TransportGiven = true }
                : throw new UsageException($"transport '{text}' for {flag.Display} is not available to perf; " +
                    $"available: {string.Join(", ", PerfOptions.Transports)}.");
        }
        if (flag == PerfFlags.Chunk)
        {
            long chunk = Size(flag, text);
            return chunk <= int.MaxValue ? options with { ChunkBytes = (int)chunk }
                : throw new UsageException($"chunk size '{text}' for {flag.Display} is too large; it must be below 2G.");
        }
        if (flag == PerfFlags.Offset) return options with { OffsetBytes = Integer(flag, text, 0, 4095, "bytes from 0 to 4095") };
        if (flag == PerfFlags.Timeout)
        {
            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds > 0 && seconds <= 86400
                ? options with { Timeout = TimeSpan.FromSeconds(seconds) }
                : throw new UsageException($"invalid timeout '{text}' for {flag.Display}; use seconds, more than 0 and at most 86400.");
        }
        throw new InvalidOperationException($"flag {flag.Display} is declared but not handled");
    }

    /// <summary>Checks that need several flags together, and the values the library judges.</summary>
    private static PerfOptions Validate(PerfOptions options)
    {
        if (options.MaxBytes > PerfOptions.MaxSizeBytes)
        {
            throw new UsageException($"{PerfFlags.MaxBytes.Display} {SizeParser.Format(options.MaxBytes)} is too large; " +
                $"use at most {SizeParser.Format(PerfOptions.MaxSizeBytes)} (one call carries under 2 GiB).");
        }
        if (options.MinBytes > options.MaxBytes)
        {
            throw new UsageException($"{PerfFlags.MinBytes.Display} ({options.MinBytes}) is larger than " +
                $"{PerfFlags.MaxBytes.Display} ({options.MaxBytes}); the sweep runs from the smaller to the larger.");
        }
        if (options.Root >= options.Ranks)
        {
            throw new UsageException($"{PerfFlags.Root.Display} {options.Root} is not a rank of a {options.Ranks}-rank group; " +
                $"use 0 to {options.Ranks - 1}.");
        }
        if (CollectiveNames.Reduces(options.Collective) && !ReductionKernels.IsValidOp(options.DataType, options.Op))
        {
            throw new UsageException($"{PerfFlags.Op.Display} {ReduceOpNames.Name(options.Op)} applies to integer dtypes only, " +
                $"not {DataTypeNames.Name(options.DataType)}; use sum, prod, min, max or avg, or an integer {PerfFlags.DataType.Display}.");
        }
        int elementBytes = DataTypes.SizeOf(options.DataType);
        if (options.OffsetBytes % elementBytes != 0)
        {
            throw new UsageException($"{PerfFlags.Offset.Display} {options.OffsetBytes} does not start a whole {DataTypeNames.Name(options.DataType)} element; " +
                $"use a multiple of {elementBytes}.");
        }
        CheckWithLibrary(new CommunicatorOptions { Algorithm = options.Algorithm }, PerfFlags.Algorithm, options.Algorithm);
        CheckWithLibrary(new CommunicatorOptions { ChunkBytes = options.ChunkBytes }, PerfFlags.Chunk,
            options.ChunkBytes.ToString(CultureInfo.InvariantCulture));
        return options;
    }

    /// <summary>
    /// Lets the library judge a value it owns (algorithm names, chunk limits), so perf never
    /// disagrees with it: a one-rank group validates its options and costs nothing.
    /// </summary>
    private static void CheckWithLibrary(CommunicatorOptions communicatorOptions, FlagSpec flag, string? value)
    {
        Communicator[] group;
        try
        {
            group = Communicator.CreateLocalGroup(1, communicatorOptions);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"invalid {flag.Display} '{value}': {WithoutParameterSuffix(e)}", e);
        }
        foreach (Communicator communicator in group)
        {
            // In-process links of a one-rank group hold nothing; disposal completes synchronously.
            _ = communicator.DisposeAsync();
        }
    }

    /// <summary>The library's sentence without .NET's " (Parameter 'X')" and "Actual value was" lines.</summary>
    private static string WithoutParameterSuffix(ArgumentException e)
    {
        string message = e.Message;
        int suffix = message.IndexOf(" (Parameter '", StringComparison.Ordinal);
        return suffix < 0 ? message : message[..suffix];
    }

    private static long Size(FlagSpec flag, string text) =>
        SizeParser.TryParse(text, out long bytes) ? bytes
            : throw new UsageException($"invalid size '{text}' for {flag.Display}; use {SizeParser.Syntax}.");

    private static long Positive(FlagSpec flag, long bytes) =>
        bytes > 0 ? bytes : throw new UsageException($"{flag.Display} must be more than 0 bytes.");

    private static int Integer(FlagSpec flag, string text, int min, int max, string allowed) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value) && value >= min && value <= max
            ? value
            : throw new UsageException($"invalid value '{text}' for {flag.Display}; use {allowed}.");
}
