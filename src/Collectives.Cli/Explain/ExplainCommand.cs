using System.Globalization;
using Collectives.Bootstrap;
using Collectives.Cli.CommandLine;
using Collectives.Connection;
using Collectives.Cli.Perf;
using Collectives.Kernels;
using Collectives.Optical.Switches;
using Collectives.Selection;
using Collectives.Simulation;
using Collectives.Topology;
using Collectives.Transport.Circuits;

namespace Collectives.Cli.Explain;

/// <summary>
/// <c>collectives explain</c>: for a topology (the running job's under a launcher, or one given
/// with --ranks, --hosts or --topology) prints every candidate algorithm's predicted time per
/// size, the winner, and why: the selector's own numbers, so a surprising choice can be traced
/// to the cost profile that made it.
/// </summary>
internal static class ExplainCommand
{
    private static readonly FlagSpec Collective = new("collective", null, "NAME", "allreduce, allgather, reducescatter, broadcast, reduce, alltoall (default allreduce)");
    private static readonly FlagSpec Sizes = new("sizes", null, "LIST", "sizes to explain, e.g. 8,64K,1M,16M,256M (the default)");
    private static readonly FlagSpec DataTypeFlag = new("dtype", 'd', "TYPE", $"element type: {DataTypeNames.Allowed()} (default float)");
    private static readonly FlagSpec Ranks = new("ranks", null, "N", "one host running N ranks joined by --intra");
    private static readonly FlagSpec Hosts = new("hosts", null, "LIST", "emulated hosts with these rank counts, e.g. 2,1,3 (ranks numbered host by host)");
    private static readonly FlagSpec TopologyFlag = new("topology", null, "PATH", "a topology file (collectives topo --json writes one)");
    private static readonly FlagSpec Intra = new("intra", null, "CLASS", "link class inside a host for --ranks/--hosts: shm, tcp, rdma, inprocess (default shm)");
    private static readonly FlagSpec Inter = new("inter", null, "CLASS", "link class between hosts for --hosts: tcp, rdma, optical, shm (default tcp)");
    private static readonly FlagSpec Switch = new("switch", null, "NAME", "with --inter optical: the circuit switch, " +
        string.Join(", ", OpticalSwitchPresets.All.Select(s => s.Name)) + " (default mems-ocs)");
    private static readonly FlagSpec Degree = new("degree", null, "D", "with --inter optical: optical ports per host (default 4)");
    private static readonly FlagSpec Reconfiguration = new("reconfiguration", null, "US", "with --inter optical: the switch's reconfiguration time in us instead of the preset's");
    private static readonly FlagSpec Circuits = new("circuits", null, "SPEC", "emulated optical circuits to price allreduce, reducescatter and allgather under, " +
        "as the selector of a job under COLLECTIVES_CIRCUITS does (same syntax; default: COLLECTIVES_CIRCUITS, else none)");
    private static readonly FlagSpec TuneFile = new("tune-file", null, "PATH", "cost profile written by collectives tune (default: COLLECTIVES_TUNE_FILE, else built-in defaults)");
    private static readonly FlagSpec Help = new("help", 'h', null, "print this help");

    private static readonly IReadOnlyList<FlagSpec> Flags = [Collective, Sizes, DataTypeFlag, Ranks, Hosts, TopologyFlag, Intra, Inter, Switch, Degree,
        Reconfiguration, Circuits, TuneFile, Help];

    public static string Usage()
    {
        var text = new StringWriter();
        text.WriteLine("Usage: collectives explain [--collective NAME] [--sizes LIST] [--ranks N | --hosts LIST | --topology PATH] [flags]");
        text.WriteLine("   or: collectives run -n N -- collectives explain [flags]   (the job's own topology)");
        text.WriteLine();
        text.WriteLine("Prints each candidate algorithm's predicted time per size, the winner and why.");
        text.WriteLine();
        FlagHelp.Write(text, Flags, 24);
        return text.ToString();
    }

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        CollectiveKind kind = CollectiveKind.AllReduce;
        long[] sizes = [8, 64 << 10, 1 << 20, 16 << 20, 256 << 20];
        DataType type = DataType.Float32;
        int? ranks = null;
        int[]? hosts = null;
        string? topologyFile = null;
        LinkClass intra = LinkClass.SharedMemory, inter = LinkClass.Tcp;
        string? tuneFile = Environment.GetEnvironmentVariable(EnvironmentVariables.TuneFile);
        OpticalSwitchSpec device = OpticalSwitchPresets.MemsOcs;
        int degree = FabricSpec.DefaultDegree;
        double? reconfiguration = null;
        string? circuitsText = Environment.GetEnvironmentVariable(EnvironmentVariables.Circuits);
        try
        {
            foreach (ParsedArgument arg in ArgumentReader.Read(args, Flags, "explain"))
            {
                string value = arg.Value ?? "";
                if (arg.Flag is null)
                {
                    throw new UsageException($"explain takes no positional argument ('{value}').");
                }
                if (arg.Flag == Help)
                {
                    output.Write(Usage());
                    return ExitCodes.Success;
                }
                if (arg.Flag == Collective)
                {
                    kind = CollectiveNames.TryParse(value, out CollectiveKind parsed) ? parsed : throw new UsageException($"unknown collective '{value}'.");
                }
                else if (arg.Flag == Sizes)
                {
                    sizes = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                        .Select(s => SizeParser.TryParse(s, out long b) && b >= 0 ? b : throw new UsageException($"bad size '{s}' in --sizes.")).ToArray();
                }
                else if (arg.Flag == DataTypeFlag)
                {
                    type = DataTypeNames.TryParse(value, out DataType parsed) ? parsed : throw new UsageException($"unknown type '{value}'; use {DataTypeNames.Allowed()}.");
                }
                else if (arg.Flag == Ranks)
                {
                    ranks = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n is >= 1 and <= 4096
                        ? n : throw new UsageException("--ranks needs a number between 1 and 4096.");
                }
                else if (arg.Flag == Hosts)
                {
                    hosts = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                        .Select(s => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n is >= 1 and <= 4096
                            ? n : throw new UsageException($"bad rank count '{s}' in --hosts.")).ToArray();
                }
                else if (arg.Flag == TopologyFlag)
                {
                    topologyFile = value;
                }
                else if (arg.Flag == Intra || arg.Flag == Inter)
                {
                    LinkClass parsed = LinkClassNames.TryParse(value, out LinkClass link) && link != LinkClass.Self
                        ? link : throw new UsageException($"unknown link class '{value}'; use shm, tcp, rdma, optical or inprocess.");
                    if (arg.Flag == Intra)
                    {
                        intra = parsed;
                    }
                    else
                    {
                        inter = parsed;
                    }
                }
                else if (arg.Flag == Switch)
                {
                    device = OpticalSwitchPresets.Find(value) ?? throw new UsageException(
                        $"unknown switch '{value}'; use {string.Join(", ", OpticalSwitchPresets.All.Select(s => s.Name))}.");
                }
                else if (arg.Flag == Degree)
                {
                    degree = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int d) && d is >= 1 and <= 64
                        ? d : throw new UsageException("--degree needs a number between 1 and 64.");
                }
                else if (arg.Flag == Reconfiguration)
                {
                    reconfiguration = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double us) && double.IsFinite(us) && us >= 0
                        ? us * 1e-6 : throw new UsageException("--reconfiguration needs a time in us, not negative.");
                }
                else if (arg.Flag == Circuits)
                {
                    circuitsText = value;
                }
                else if (arg.Flag == TuneFile)
                {
                    tuneFile = value;
                }
            }
            CostProfile profile = CostProfileLoader.Load(tuneFile);
            CircuitSpec? circuits = circuitsText is null ? null
                : CircuitSpecParser.TryParse(circuitsText, out CircuitSpec? parsedCircuits, out string? circuitsError) ? parsedCircuits
                : throw new UsageException($"--circuits / {EnvironmentVariables.Circuits}: {circuitsError}");
            JobTopology topology;
            if (topologyFile is not null)
            {
                topology = TopologyFile.Read(topologyFile);
            }
            else if (hosts is not null)
            {
                topology = JobTopology.FromHostSizes(hosts, intra, inter);
            }
            else if (ranks is not null)
            {
                topology = JobTopology.SingleHost(ranks.Value, intra);
            }
            else
            {
                // Under a launcher: the job's own topology, as every rank gathered it; rank 0 prints.
                await using Communicator communicator = await Communicator.FromEnvironmentAsync(cancellationToken).ConfigureAwait(false);
                if (communicator.Rank != 0)
                {
                    return ExitCodes.Success;
                }
                topology = communicator.Topology;
                // The job's own circuits are what its selector prices; --circuits asks what they would do to a job without.
                circuits = communicator.Options.Circuits ?? circuits;
            }
            CircuitCostModel? circuitModel = circuits is null || topology.Size < 2 ? null
                : new CircuitCostModel(circuits.BuildFabric(topology.Size), circuits.Plan, $"{EnvironmentVariables.Circuits}={circuits}", topology, profile);
            output.Write(Render(kind, type, sizes, topology, profile, circuitModel));
            if (topology.InterHostClass == LinkClass.OpticalCircuit)
            {
                output.Write(CircuitCandidates.Render(kind, type, sizes, topology, profile, device, degree, reconfiguration));
            }
            return ExitCodes.Success;
        }
        catch (UsageException e)
        {
            error.WriteLine($"collectives explain: {e.Message}");
            error.Write(Usage());
            return ExitCodes.Usage;
        }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or JobEnvironmentException or TopologyFileException)
        {
            error.WriteLine($"collectives explain: {e.Message}");
            return ExitCodes.Failure;
        }
    }

    /// <summary>
    /// The explain table: one row per size, one column per candidate (µs), the winner marked, then
    /// why. Under <paramref name="circuits"/> the collectives the circuit model covers show its
    /// prices with each candidate's circuit changes, and the reconfiguration times at which the
    /// choice would change.
    /// </summary>
    public static string Render(CollectiveKind kind, DataType type, IReadOnlyList<long> sizes, JobTopology topology, CostProfile profile,
        CircuitCostModel? circuits = null)
    {
        var text = new StringWriter(CultureInfo.InvariantCulture);
        text.WriteLine($"# {CollectiveNames.Name(kind)}, {DataTypeNames.Name(type)}, {topology.Size} ranks: {topology.Summary()}");
        text.WriteLine($"# costs: {profile.Source}");
        List<SelectionExplanation> explanations = sizes.Select(size => AlgorithmSelector.Explain(kind, type, size, topology, profile, circuits: circuits)).ToList();
        if (explanations.FirstOrDefault(e => e.CircuitModel is not null) is { } priced)
        {
            text.WriteLine($"# priced by {priced.CircuitModel}; [n] = circuit changes during the call");
        }
        IReadOnlyList<CandidateCost> columns = explanations[0].Candidates;
        text.Write($"{"size",12}");
        foreach (CandidateCost column in columns)
        {
            text.Write($"  {Name(column.Algorithm),18}");
        }
        text.WriteLine($"  {"chosen",-18}");
        foreach (SelectionExplanation explanation in explanations)
        {
            text.Write($"{SizeParser.Format(explanation.Bytes),12}");
            foreach (CandidateCost candidate in explanation.Candidates)
            {
                string cell = candidate.PredictedSeconds is { } seconds
                    ? (seconds * 1e6).ToString(seconds * 1e6 < 100 ? "0.00" : "0", CultureInfo.InvariantCulture) + " us"
                    : "-";
                if (candidate.PredictedSeconds is not null && candidate.Reconfigurations is { } changes)
                {
                    cell += $" [{changes}]";
                }
                if (candidate.Algorithm == explanation.Winner.Algorithm)
                {
                    cell = "*" + cell;
                }
                text.Write($"  {cell,18}");
            }
            text.WriteLine($"  {Chosen(explanation.Winner)}");
        }
        text.WriteLine();
        foreach (CandidateCost unavailable in columns.Where(c => c.Unavailable is not null))
        {
            text.WriteLine($"# {Name(unavailable.Algorithm)}: not considered ({unavailable.Unavailable})");
        }
        foreach (SelectionExplanation explanation in explanations)
        {
            text.WriteLine($"# {SizeParser.Format(explanation.Bytes)}: {explanation.Reason}");
        }
        if (circuits is not null && circuits.Covers(kind))
        {
            foreach (long bytes in sizes)
            {
                IReadOnlyList<(double Seconds, Algorithm Below, Algorithm Above)> flips = AlgorithmSelector.CircuitBreakEvens(kind, type, bytes, topology, circuits);
                text.WriteLine($"# {SizeParser.Format(bytes)} on circuits: " + (flips.Count == 0
                    ? "the choice is the same for any reconfiguration time"
                    : string.Join("; ", flips.Select(f =>
                        $"{Name(f.Below)} below {SimulatedFabric.Seconds(f.Seconds)} of reconfiguration, {Name(f.Above)} above"))));
            }
        }
        return text.ToString();
    }

    private static string Name(Algorithm algorithm) => AlgorithmNames.Name(algorithm);

    // "ring", "ring, 2 channels", "tree, 256K chunks": the choice beyond the algorithm when it differs from the defaults.
    private static string Chosen(AlgorithmChoice choice)
    {
        string text = Name(choice.Algorithm);
        if (choice.Channels > 1)
        {
            text += $", {choice.Channels} channels";
        }
        if (choice.ChunkBytes != CommunicatorOptions.DefaultChunkBytes)
        {
            text += $", {SizeParser.Format(choice.ChunkBytes)} chunks";
        }
        return text;
    }
}
