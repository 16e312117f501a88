namespace Collectives.Transport.Circuits;

/// <summary>
/// One node's side of the emulated switch, shared by all of its links (every channel, every
/// communicator split from the job): a change of configuration darkens the node's ports for
/// every peer at once. It decides, under one lock, when each frame may leave: after any dark
/// spell, no earlier than its link's wire is free, and after its bytes have crossed at the
/// route's speed. It only computes times; the link waits on the clock.
/// </summary>
public sealed class EmulatedCircuitNode
{
    private readonly object _lock = new();
    private readonly CircuitSwitchSchedule _schedule;
    private readonly double _minimumHold;
    private double _darkUntil = double.NegativeInfinity;
    private double _litSince = double.NegativeInfinity;

    public EmulatedCircuitNode(CircuitSwitchSchedule schedule, double minimumHoldSeconds)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        _schedule = schedule;
        _minimumHold = minimumHoldSeconds;
    }

    public int Node => _schedule.Node;

    /// <summary>Changes of configuration so far.</summary>
    public long Changes
    {
        get
        {
            lock (_lock)
            {
                return _schedule.Changes;
            }
        }
    }

    /// <summary>Seconds this node's ports have been dark, summed.</summary>
    public double DarkSeconds { get; private set; }

    /// <summary>
    /// Books a frame of <paramref name="bytes"/> to <paramref name="peer"/> whose sender is ready
    /// at <paramref name="ready"/>; <paramref name="newBurst"/> says the link was idle before it,
    /// so its first byte pays the route's latency (frames back to back pay it once, as a stream does);
    /// <paramref name="algorithm"/> (from the frame's header) says which step's pattern prices it.
    /// </summary>
    public PacedFrame Reserve(int peer, long bytes, double ready, bool newBurst, Algorithm algorithm = Algorithm.Direct)
    {
        lock (_lock)
        {
            CircuitDecision decision = _schedule.Decide(peer, algorithm);
            double darkFrom = Math.Max(ready, _darkUntil);
            double darkUntil = darkFrom;
            if (decision.Changes)
            {
                // A switch holds a configuration its minimum time before it may move again.
                darkFrom = Math.Max(darkFrom, _litSince + _minimumHold);
                darkUntil = darkFrom + decision.ChangeSeconds;
                _darkUntil = darkUntil;
                _litSince = darkUntil;
                DarkSeconds += decision.ChangeSeconds;
                _schedule.Apply(decision);
            }
            CircuitRoute route = decision.Route;
            double start = Math.Max(ready, _darkUntil);
            double latency = newBurst || decision.Changes ? route.LatencySeconds : 0;
            double finish = start + latency + (bytes * route.SecondsPerByte);
            return new PacedFrame(route, start, finish, decision.Changes ? darkFrom : start, decision.Changes ? darkUntil : start);
        }
    }
}
