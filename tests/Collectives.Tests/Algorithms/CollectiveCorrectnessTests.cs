using Collectives.Tests.Harness;

namespace Collectives.Tests.Algorithms;

/// <summary>
/// Every collective and algorithm against a serial reference: ranks {1,2,3,4,5,7,8,16} × counts
/// {0, 1, fewer than ranks, not divisible by ranks, 1 Mi} × every element type × every op it
/// supports × in place and out of place. One group per case runs all its calls back to back, so
/// the sequence numbering across many calls is exercised too. Results must match bit for bit on
/// every rank.
/// </summary>
public sealed class CollectiveCorrectnessTests
{
    public const int Large = 1 << 20;

    private static readonly int[] RankCounts = [1, 2, 3, 4, 5, 7, 8, 16];

    public static TheoryData<string, string, int> Cases()
    {
        var data = new TheoryData<string, string, int>();
        (string Collective, string Algorithm)[] pairs =
        [
            ("allreduce", "ring"), ("allreduce", "tree"), ("allreduce", "halving-doubling"), ("allreduce", "recursive-doubling"),
            ("reducescatter", "ring"), ("allgather", "ring"), ("broadcast", "ring"), ("broadcast", "tree"),
            ("reduce", "tree"), ("alltoall", "pairwise"),
        ];
        foreach ((string collective, string algorithm) in pairs)
        {
            foreach (int ranks in RankCounts)
            {
                data.Add(collective, algorithm, ranks);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task MatchesSerialReference(string collective, string algorithm, int ranks)
    {
        // A small chunk makes even modest counts span several frames, so chunking is exercised.
        var options = new CommunicatorOptions
        {
            Algorithm = $"{collective}={algorithm}",
            ChunkBytes = 64 << 10,
            Timeout = TimeSpan.FromSeconds(60),
        };
        Communicator[] group = Communicator.CreateLocalGroup(ranks, options);
        try
        {
            var check = new CollectiveChecks(group);
            foreach (int count in Counts(collective, ranks))
            {
                await check.AllTypesAsync(collective, count);
            }
        }
        finally
        {
            await RankRunner.DisposeAllAsync(group);
        }
    }

    /// <summary>
    /// The counts of the matrix. For reduce-scatter, all-gather and all-to-all they are
    /// per-rank block lengths (the buffers hold Size blocks).
    /// </summary>
    private static IEnumerable<int> Counts(string collective, int ranks)
    {
        bool blocks = collective is "reducescatter" or "allgather" or "alltoall";
        int[] counts = [0, 1, ranks - 1, (3 * ranks) + 1, blocks ? Large / ranks : Large];
        return counts.Distinct();
    }
}
