using System.Diagnostics;

namespace Collectives.Bootstrap;

/// <summary>A point in time a store operation must finish by, on the monotonic clock.</summary>
internal readonly struct StoreDeadline
{
    private readonly long _start;

    private StoreDeadline(TimeSpan timeout)
    {
        _start = Stopwatch.GetTimestamp();
        Timeout = timeout;
    }

    public TimeSpan Timeout { get; }

    public static StoreDeadline Start(TimeSpan timeout) => new(timeout);

    public TimeSpan Remaining
    {
        get
        {
            TimeSpan left = Timeout - Stopwatch.GetElapsedTime(_start);
            return left > TimeSpan.Zero ? left : TimeSpan.Zero;
        }
    }

    public bool Expired => Remaining == TimeSpan.Zero;
}
