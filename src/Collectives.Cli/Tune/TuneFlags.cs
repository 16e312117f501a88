using Collectives.Cli.CommandLine;
using Collectives.Cli.Perf;

namespace Collectives.Cli.Tune;

/// <summary>The flags of <c>collectives tune</c>; the same list drives parsing and --help.</summary>
internal static class TuneFlags
{
    public static readonly FlagSpec Transports = new("transports", null, "LIST",
        $"transports to calibrate, comma-separated: {string.Join(", ", PerfOptions.Transports)} (default shm,tcp; under a launcher: the job's own links)");
    public static readonly FlagSpec Output = new("out", 'o', "PATH", "write the profile here (default: standard output); use it as COLLECTIVES_TUNE_FILE");
    public static readonly FlagSpec Quick = new("quick", null, null, "two sizes, few repetitions: seconds, for tests and smoke runs");
    public static readonly FlagSpec Sizes = new("sizes", null, "LIST", "call sizes to measure beta and gamma at (default 64K,256K,1M,4M,16M,64M)");
    public static readonly FlagSpec Timeout = new("timeout", null, "SECONDS", "deadline of one measurement call (default 120)");
    public static readonly FlagSpec Help = new("help", 'h', null, "print this help");

    public static IReadOnlyList<FlagSpec> All { get; } = [Transports, Output, Quick, Sizes, Timeout, Help];

    public static string Usage()
    {
        var text = new StringWriter();
        text.WriteLine("Usage: collectives tune [flags]");
        text.WriteLine("       collectives run -n N -- collectives tune [flags]");
        text.WriteLine();
        text.WriteLine("Measures this machine's cost profile for the algorithm selector: per link class beta by");
        text.WriteLine("call size S (the mean of the two kinds of ring step, both ranks sending S/2 at once: a 2-rank");
        text.WriteLine("reduce-scatter of S less the reduce the model adds, and a 2-rank all-gather of S less its");
        text.WriteLine("local copy) and alpha (the same steps at one element per rank, calls back to back), and");
        text.WriteLine("gamma (the float32 sum kernel, every rank at once). Without a launcher it starts a 2-rank");
        text.WriteLine("job per transport; under one it measures the links the job has, one pair per link class.");
        text.WriteLine();
        text.WriteLine("Flags:");
        FlagHelp.Write(text, All, 24);
        text.WriteLine();
        text.WriteLine("Example: collectives tune --out profile.json && COLLECTIVES_TUNE_FILE=profile.json collectives perf --transport shm --predict");
        return text.ToString();
    }
}
