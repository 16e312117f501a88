using System.Globalization;

namespace Collectives.Transport.SharedMemory;

/// <summary>
/// Names of the transport's files in /dev/shm. Each carries the job hash, and the random
/// instance id of every process involved, so two jobs (or two runs of one job) on a host never
/// reach for the same name; the common prefix lets the cleaner find leftovers of dead processes.
/// </summary>
internal static class SegmentNames
{
    public const string Directory = "/dev/shm";

    /// <summary>Every segment of this transport starts with this, and nothing else should.</summary>
    public const string Prefix = "collectives-shm-";

    /// <summary>The doorbell of one endpoint: <c>collectives-shm-{job}-bell-{endpoint}-{instance}</c>.</summary>
    public static string Doorbell(string directory, ulong jobHash, int endpoint, ulong instance) =>
        string.Create(CultureInfo.InvariantCulture, $"{directory}/{Prefix}{jobHash:x16}-bell-{endpoint}-{instance:x16}");

    /// <summary>The segment of one link: <c>collectives-shm-{job}-link-{communicator}-{low}-{high}-{low instance}-{high instance}</c>.</summary>
    public static string Pair(string directory, ulong jobHash, ulong communicatorId, int low, int high, ulong lowInstance, ulong highInstance) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{directory}/{Prefix}{jobHash:x16}-link-{communicatorId:x16}-{low}-{high}-{lowInstance:x16}-{highInstance:x16}");
}
