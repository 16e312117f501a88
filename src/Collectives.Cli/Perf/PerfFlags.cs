using Collectives.Cli.CommandLine;

namespace Collectives.Cli.Perf;

/// <summary>The flags of <c>collectives perf</c>: nccl-tests' letters and long names, then ours.</summary>
internal static class PerfFlags
{
    public static readonly FlagSpec MinBytes = new("minbytes", 'b', "BYTES", "smallest size (default 8)");
    public static readonly FlagSpec MaxBytes = new("maxbytes", 'e', "BYTES", "largest size (default 32M)");
    public static readonly FlagSpec StepFactor = new("stepfactor", 'f', "N", "multiply the size by N each step (default 2)");
    public static readonly FlagSpec StepBytes = new("stepbytes", 'i', "BYTES", "add BYTES each step instead of multiplying");
    public static readonly FlagSpec Iterations = new("iters", 'n', "N", "timed iterations per size (default 20)");
    public static readonly FlagSpec Warmup = new("warmup_iters", 'w', "N", "warm-up iterations per size (default 5)");
    public static readonly FlagSpec Budget = new("budget", 'B', "BYTES", "per size, time BYTES / size iterations (at least 5, at most -n; warm-up a fifth, 2 to -w), as the peers' benchmarks do");
    public static readonly FlagSpec Check = new("check", 'c', "0|1", "check results and count #wrong (default 1)");
    public static readonly FlagSpec Op = new("op", 'o', "OP", $"reduction: {ReduceOpNames.Allowed()} (default sum)");
    public static readonly FlagSpec DataType = new("dtype", 'd', "TYPE", $"element type: {DataTypeNames.Allowed()} (default float)");
    public static readonly FlagSpec Root = new("root", 'r', "RANK", "root of broadcast and reduce (default 0)");
    public static readonly FlagSpec Ranks = new("ranks", null, "N", "ranks to start in this process (default 2)");
    public static readonly FlagSpec Algorithm = new("algo", null, "NAME", "force an algorithm: ring, tree, halving-doubling, recursive-doubling, or allreduce=tree,... (default: automatic)");
    public static readonly FlagSpec Transport = new("transport", null, "NAME", $"transport between ranks: {string.Join(", ", PerfOptions.Transports)} (default inprocess)");
    public static readonly FlagSpec Chunk = new("chunk", null, "BYTES", "payload of one frame (default 1M)");
    public static readonly FlagSpec Offset = new("offset", null, "BYTES", "start every buffer BYTES past a page boundary (default 0: page-aligned, as the peers' benchmarks)");
    public static readonly FlagSpec Timeout = new("timeout", null, "SECONDS", "deadline of one collective (default 600)");
    public static readonly FlagSpec Json = new("json", null, null, "print one JSON document instead of the table");
    public static readonly FlagSpec Predict = new("predict", null, null, "add the selector's algorithm, its predicted time (us) and measured/predicted per size");
    public static readonly FlagSpec TuneFile = new("tune-file", null, "PATH", "cost profile from collectives tune for the selector (default: COLLECTIVES_TUNE_FILE, else built-in)");
    public static readonly FlagSpec Help = new("help", 'h', null, "print this help");

    public static IReadOnlyList<FlagSpec> All { get; } =
    [
        MinBytes, MaxBytes, StepFactor, StepBytes, Iterations, Warmup, Budget, Check, Op, DataType, Root,
        Ranks, Algorithm, Transport, Chunk, Offset, Timeout, Json, Predict, TuneFile, Help,
    ];

    public static string Usage()
    {
        var text = new StringWriter();
        text.WriteLine("Usage: collectives perf [collective] [flags]");
        text.WriteLine();
        text.WriteLine("Sweeps message sizes like nccl-tests and prints time, algbw, busbw and #wrong for");
        text.WriteLine("out-of-place and in-place calls. Sizes take K, M, G suffixes (binary).");
        text.WriteLine();
        text.WriteLine($"Collectives: {string.Join(", ", CollectiveNames.All.Select(CollectiveNames.Name))} (default allreduce)");
        text.WriteLine();
        text.WriteLine("Flags:");
        FlagHelp.Write(text, All, 28);
        text.WriteLine();
        text.WriteLine("Exit codes: 0 all results correct, 1 a #wrong above 0 or a failed collective, 2 bad flags.");
        text.WriteLine("Example: collectives perf allreduce --ranks 4 -b 8 -e 64M -f 2 -d bfloat16 -o sum");
        return text.ToString();
    }
}
