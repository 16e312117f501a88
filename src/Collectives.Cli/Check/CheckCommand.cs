using System.Globalization;
using Collectives.Bootstrap;
using Collectives.Cli.Perf;
using Collectives.Cli.Run;
using Collectives.Kernels;
using Collectives.Transport.Rdma;

namespace Collectives.Cli.Check;

/// <summary>
/// <c>collectives check</c>: run under a launcher, checks that this job's ranks compute every
/// collective right: each collective over several element types and ops, sizes from 8 bytes to
/// <c>--max-bytes</c>, in and out of place, every element compared with its exact expected value
/// (the perf machinery with one iteration per size), plus point-to-point messages around a ring
/// and a barrier. Rank 0 prints a line per case; any wrong element or failure exits 1.
/// <c>--crash-rank R</c> makes rank R exit in the middle of a large all-reduce, to show that the
/// others fail fast with a <see cref="PeerLostException"/> naming it.
/// </summary>
internal static class CheckCommand
{
    public const string Usage = """
        Usage: collectives run -n N [--transports T] -- collectives check [--max-bytes SIZE] [--crash-rank R] [--print-transports]

        Checks every collective on this job's ranks against exact expected results.
          --max-bytes SIZE   largest size per collective (default 1M)
          --crash-rank R     rank R exits in the middle of a 64 MiB all-reduce (failure drill)
          --print-transports every rank prints its host name, the transport to each peer, and whether rdma is available
        """;

    /// <summary>Exit code of the rank that --crash-rank stops, so the launcher's report is recognisable.</summary>
    public const int CrashExitCode = 42;

    private static readonly (CollectiveKind Collective, DataType Type, ReduceOp Op)[] Cases =
    [
        (CollectiveKind.AllReduce, DataType.Float32, ReduceOp.Sum),
        (CollectiveKind.AllReduce, DataType.BFloat16, ReduceOp.Sum),
        (CollectiveKind.AllReduce, DataType.Int32, ReduceOp.Max),
        (CollectiveKind.AllReduce, DataType.Float64, ReduceOp.Avg),
        (CollectiveKind.ReduceScatter, DataType.Float32, ReduceOp.Sum),
        (CollectiveKind.ReduceScatter, DataType.Int64, ReduceOp.BitXor),
        (CollectiveKind.AllGather, DataType.Float16, ReduceOp.Sum),
        (CollectiveKind.AllGather, DataType.UInt8, ReduceOp.Sum),
        (CollectiveKind.Broadcast, DataType.Float32, ReduceOp.Sum),
        (CollectiveKind.Reduce, DataType.Int32, ReduceOp.Sum),
        (CollectiveKind.Reduce, DataType.Float32, ReduceOp.Min),
        (CollectiveKind.AllToAll, DataType.Int32, ReduceOp.Sum),
    ];

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        long maxBytes = 1 << 20;
        int crashRank = -1;
        bool printTransports = false;
        for (int i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "-h" or "--help":
                    output.Write(Usage);
                    return ExitCodes.Success;
                case "--max-bytes" when i + 1 < args.Count && SizeParser.TryParse(args[i + 1], out long bytes) && bytes >= 8:
                    maxBytes = bytes;
                    i++;
                    break;
                case "--crash-rank" when i + 1 < args.Count && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out int rank):
                    crashRank = rank;
                    i++;
                    break;
                case "--print-transports":
                    printTransports = true;
                    break;
                default:
                    error.WriteLine($"collectives check: bad or incomplete option '{args[i]}'.");
                    error.Write(Usage);
                    return ExitCodes.Usage;
            }
        }
        if (!LaunchDetection.IsLaunched())
        {
            error.WriteLine("collectives check: run it as the ranks of a job, e.g. 'collectives run -n 3 -- collectives check'.");
            return ExitCodes.Usage;
        }

        Communicator? communicator = null;
        try
        {
            communicator = await Communicator.FromEnvironmentAsync(cancellationToken).ConfigureAwait(false);
            if (crashRank >= 0)
            {
                await CrashDrillAsync(communicator, crashRank).ConfigureAwait(false);
                return ExitCodes.Success;
            }
            int rank = communicator.Rank;
            if (printTransports)
            {
                output.WriteLine(TransportLine(communicator));
                output.WriteLine(RdmaLine(communicator.Rank));
            }
            string transport = communicator.Size > 1 ? communicator.TransportTo((rank + 1) % communicator.Size)! : "none";
            long wrong = 0;
            foreach ((CollectiveKind collective, DataType type, ReduceOp op) in Cases)
            {
                var options = new PerfOptions
                {
                    Collective = collective,
                    DataType = type,
                    Op = op,
                    Root = communicator.Size - 1,
                    Ranks = communicator.Size,
                    MinBytes = 8,
                    MaxBytes = maxBytes,
                    StepFactor = 8,
                    Iterations = 1,
                    WarmupIterations = 0,
                    Transport = transport,
                };
                PerfSummary summary = await PerfRunner.RunAsync(options, [communicator], SilentReporter.Instance, cancellationToken)
                    .ConfigureAwait(false);
                wrong += summary.Wrong ?? 0;
                if (rank == 0)
                {
                    output.WriteLine($"check: {collective} {DataTypes.Name(type)} {op}: {summary.Rows} sizes, {summary.Wrong} wrong");
                }
            }
            await RingOfMessagesAsync(communicator, cancellationToken).ConfigureAwait(false);
            await communicator.BarrierAsync(cancellationToken).ConfigureAwait(false);
            if (wrong != 0)
            {
                error.WriteLine($"collectives check: rank {rank}: {wrong} elements differed from the expected results.");
                return ExitCodes.Failure;
            }
            if (rank == 0)
            {
                output.WriteLine($"check passed: {Cases.Length} collective cases, point-to-point and barrier on {communicator.Size} ranks over {transport}");
            }
            return ExitCodes.Success;
        }
        catch (Exception e) when (communicator is null && e is InvalidOperationException or ArgumentException or PlatformNotSupportedException or IOException)
        {
            // The job's transports could not start (an unavailable transport forced, an RDMA provider that does not open).
            error.WriteLine($"collectives check: could not connect: {e.GetType().Name}: {e.Message}");
            return ExitCodes.Failure;
        }
        catch (Exception e) when (e is CollectiveException or JobEnvironmentException or AuthenticationException)
        {
            error.WriteLine($"collectives check: {e.GetType().Name}: {e.Message}");
            return ExitCodes.Failure;
        }
        finally
        {
            if (communicator is not null)
            {
                await communicator.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>"transports: rank 2 on coll-7-h1: 0=tcp 1=tcp 3=shm", so multi-host tests can check which peers share memory.</summary>
    internal static string TransportLine(Communicator communicator) =>
        $"transports: rank {communicator.Rank} on {System.Net.Dns.GetHostName()}: " +
        string.Join(' ', Enumerable.Range(0, communicator.Size).Where(peer => peer != communicator.Rank)
            .Select(peer => string.Create(CultureInfo.InvariantCulture, $"{peer}={communicator.TransportTo(peer)}")));

    /// <summary>"rdma: rank 2: provider tcp: available: provider tcp;ofi_rxm, fabric ..." or "...: unavailable: why", whether or not the job uses it.</summary>
    internal static string RdmaLine(int rank)
    {
        string provider = Environment.GetEnvironmentVariable(EnvironmentVariables.RdmaProvider) is { Length: > 0 } named
            ? named.Trim().ToLowerInvariant()
            : RdmaTransportOptions.DefaultProvider;
        return $"rdma: rank {rank}: provider {provider}: {RdmaAvailability.Of(provider)}";
    }

    /// <summary>Every rank sends its rank to the right and receives the left's, both in flight at once.</summary>
    private static async Task RingOfMessagesAsync(Communicator communicator, CancellationToken cancellationToken)
    {
        if (communicator.Size == 1)
        {
            return;
        }
        int right = (communicator.Rank + 1) % communicator.Size;
        int left = (communicator.Rank + communicator.Size - 1) % communicator.Size;
        long[] mine = Enumerable.Range(0, 10_000).Select(i => (long)communicator.Rank * 1_000_000 + i).ToArray();
        long[] received = new long[mine.Length];
        await Task.WhenAll(communicator.SendAsync<long>(mine, right, cancellationToken).AsTask(),
            communicator.ReceiveAsync<long>(received, left, cancellationToken).AsTask()).ConfigureAwait(false);
        for (int i = 0; i < received.Length; i++)
        {
            if (received[i] != (long)left * 1_000_000 + i)
            {
                throw new CollectiveException($"Rank {communicator.Rank}: message from rank {left} differs at element {i}.",
                    communicator.Rank, left, "Receive", 0);
            }
        }
    }

    /// <summary>All ranks start a large all-reduce; the crash rank leaves the process in the middle of it.</summary>
    private static async Task CrashDrillAsync(Communicator communicator, int crashRank)
    {
        float[] data = new float[16 << 20];
        await communicator.BarrierAsync().ConfigureAwait(false);
        if (communicator.Rank == crashRank)
        {
            _ = Task.Run(async () =>
            {
                await Task.Delay(20).ConfigureAwait(false);
                Environment.Exit(CrashExitCode);
            });
        }
        for (int round = 0; round < 1000; round++)
        {
            await communicator.AllReduceAsync<float>(data, ReduceOp.Sum).ConfigureAwait(false);
        }
    }
}
