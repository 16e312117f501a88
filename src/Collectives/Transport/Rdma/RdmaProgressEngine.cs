using System.Diagnostics;
using System.Globalization;

namespace Collectives.Transport.Rdma;

/// <summary>
/// The transport's one progress thread. It polls the endpoint's completion queue and hands each
/// completion to its link. While any link waits for something (a parked receive, a send in
/// flight, credits owed) it polls without pause, spinning briefly and then yielding the core
/// between empty polls: on manual-progress providers (tcp;ofi_rxm, shm) nothing moves unless
/// someone polls, and ranks often outnumber cores. (Polling on for a while after the last wait,
/// so a peer's next write lands while the rank still reduces, measured slower on 2 shared cores:
/// the polls took the core the reduction needed.) After a long wait it naps a millisecond at a time; while a waiting caller
/// polls for itself it stays out of the way; when nothing happens it polls once per
/// <see cref="RdmaTuning.IdlePollPeriod"/> and sleeps on an event the links set as soon as they
/// need it. It never runs a rank's code: completions hand their continuations to the thread pool.
/// </summary>
internal sealed class RdmaProgressEngine : IDisposable
{
    /// <summary>Empty yielding polls after which a waiting engine starts napping (a peer that is computing, not sending).</summary>
    private const int YieldPollsBeforeNap = 20_000;

    private static readonly long DeadlineTicks = (long)(RdmaTuning.DeadlineCheckPeriod.TotalSeconds * Stopwatch.Frequency);

    private readonly RdmaEndpoint _endpoint;
    private readonly ManualResetEventSlim _wake = new(false);
    private readonly Thread _thread;
    private volatile bool _stopping;

    public RdmaProgressEngine(RdmaEndpoint endpoint, int rank)
    {
        _endpoint = endpoint;
        _thread = new Thread(Run)
        {
            IsBackground = true,
            Name = string.Create(CultureInfo.InvariantCulture, $"collectives rdma progress {rank}"),
        };
        _thread.Start();
    }

    /// <summary>A link needs progress now: end the idle sleep.</summary>
    public void Wake() => _wake.Set();

    public void Dispose()
    {
        _stopping = true;
        _wake.Set();
        if (Thread.CurrentThread != _thread)
        {
            _thread.Join();
        }
        _wake.Dispose();
    }

    private void Run()
    {
        var backoff = new PollBackoff();
        long nextDeadlineCheck = 0;
        while (!_stopping)
        {
            int completed;
            try
            {
                completed = _endpoint.ProgressOnce();
            }
            catch (Exception error)
            {
                // The queue itself failed (not one operation): every link is lost with the reason.
                _endpoint.FailAll(error);
                completed = 0;
            }
            if (completed > 0)
            {
                backoff.Reset();
                continue;
            }
            if (_endpoint.CallerPolling)
            {
                // A waiting rank polls for itself (no handoff); two pollers would only fight over the queue and the cores.
                _wake.Wait(1);
                _wake.Reset();
                continue;
            }
            long now = Stopwatch.GetTimestamp();
            if (now >= nextDeadlineCheck)
            {
                nextDeadlineCheck = now + DeadlineTicks;
                _endpoint.CheckDeadlines(now);
            }
            if (_endpoint.AnyLinkWaiting())
            {
                if (backoff.EmptyPolls < YieldPollsBeforeNap)
                {
                    backoff.Pause();
                }
                else
                {
                    _wake.Wait(1);
                    _wake.Reset();
                }
                continue;
            }
            backoff.Reset();
            _wake.Wait(RdmaTuning.IdlePollPeriod);
            _wake.Reset();
        }
    }
}
