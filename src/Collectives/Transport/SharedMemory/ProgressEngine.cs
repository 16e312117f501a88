using System.Diagnostics;
using System.Globalization;

namespace Collectives.Transport.SharedMemory;

/// <summary>
/// The transport's one background thread. It sleeps on this endpoint's doorbell and, when a peer
/// rings it (or every <see cref="SharedMemoryTuning.LivenessPeriod"/>), finishes the parked
/// operations of every link and checks that the peers they wait for still live. It never runs
/// a rank's code: completions hand their continuations to the thread pool.
/// </summary>
internal sealed class ProgressEngine
{
    private static readonly long LivenessTicks = (long)(SharedMemoryTuning.LivenessPeriod.TotalSeconds * Stopwatch.Frequency);

    private readonly Doorbell _doorbell;
    private readonly Thread _thread;
    private readonly object _linksGate = new();
    private SharedMemoryLink[] _links = [];
    private volatile bool _stopping;

    public ProgressEngine(Doorbell doorbell, int endpoint)
    {
        _doorbell = doorbell;
        _thread = new Thread(Run)
        {
            IsBackground = true,
            Name = string.Create(CultureInfo.InvariantCulture, $"collectives shm progress {endpoint}"),
        };
        _thread.Start();
    }

    public void Add(SharedMemoryLink link)
    {
        lock (_linksGate)
        {
            _links = [.. _links, link];
        }
    }

    public void Remove(SharedMemoryLink link)
    {
        lock (_linksGate)
        {
            _links = Array.FindAll(_links, l => l != link);
        }
    }

    public SharedMemoryLink[] Snapshot() => Volatile.Read(ref _links);

    public void Stop()
    {
        _stopping = true;
        _doorbell.Ring();
        _thread.Join();
    }

    private void Run()
    {
        long nextLivenessCheck = 0;
        while (!_stopping)
        {
            int observed = _doorbell.Sequence;
            long now = Stopwatch.GetTimestamp();
            bool checkLiveness = now >= nextLivenessCheck;
            if (checkLiveness)
            {
                nextLivenessCheck = now + LivenessTicks;
            }
            foreach (SharedMemoryLink link in Volatile.Read(ref _links))
            {
                try
                {
                    link.Progress(checkLiveness);
                }
                catch (Exception error)
                {
                    // A bug must fail the link it hit, not kill the thread every link relies on.
                    link.Abort(new AbortReason(AbortCode.Failed, -1, string.Create(CultureInfo.InvariantCulture,
                        $"the shared-memory progress thread failed on the link to endpoint {link.PeerEndpoint}: {error.GetType().Name}: {error.Message}")));
                }
            }
            _doorbell.Sleep(observed, SharedMemoryTuning.LivenessPeriod);
        }
    }
}
