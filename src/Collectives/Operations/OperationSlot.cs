using System.Globalization;
using Collectives.Algorithms;
using Collectives.Buffers;
using Collectives.Transport;
using Collectives.Wire;

namespace Collectives.Operations;

/// <summary>
/// Where one operation at a time runs: the collective slot of a communicator, or the
/// point-to-point slot for sends to (or receives from) one peer. It owns the operation's
/// deadline and cancellation: when either fires it records why and tears the links down
/// through <c>fail</c>, which makes every wait of the operation end at once. While an
/// operation is stuck it also inspects the links for frames of a different call, so ranks that
/// wait on each other in patterns that never meet fail with a mismatch long before the deadline.
/// </summary>
internal sealed class OperationSlot : IDisposable
{
    /// <summary>
    /// How often a running operation looks for a mismatched frame. Rare enough to cost nothing
    /// for calls that progress, soon enough that a mismatch is reported in a blink.
    /// </summary>
    public static readonly TimeSpan StallInspectionInterval = TimeSpan.FromMilliseconds(200);

    private readonly object _gate = new();
    private readonly Timer _deadline;
    private readonly Action<AbortReason> _fail;
    private bool _active;
    private bool _reserved;
    // The timer keeps ticking between back-to-back operations (re-arming it on every call costs
    // more than a small all-reduce); it stops after a tick that finds the slot idle.
    private bool _armed;
    private TimeSpan _armedPeriod;
    private TimeSpan _timeout;
    private AbortReason? _localFailure;
    private CollectiveMismatchException? _mismatch;
    // Milliseconds, from the coarse clock: deadlines need no better, and it is cheaper per call.
    private long _startMilliseconds;
    private CancellationTokenRegistration _cancellation;

    public OperationSlot(CollectiveContext context, Action<AbortReason> fail)
    {
        Context = context;
        _fail = fail;
        _deadline = new Timer(static state => ((OperationSlot)state!).OnTick(), this, Timeout.Infinite, Timeout.Infinite);
    }

    public CollectiveContext Context { get; }

    /// <summary>Byte views of the caller's buffers, private to this slot so concurrent slots never share one.</summary>
    public ByteViews Views { get; } = new();

    /// <summary>The mismatch the stall inspection found, when that is what stopped the operation.</summary>
    public CollectiveMismatchException? Mismatch => _mismatch;

    /// <summary>The sequence number the next operation in this slot gets.</summary>
    public long NextSequence { get; private set; } = 1;

    /// <summary>Claims the slot for one operation; false when another is still running in it.</summary>
    public bool TryReserve()
    {
        lock (_gate)
        {
            if (_reserved)
            {
                return false;
            }
            _reserved = true;
            return true;
        }
    }

    /// <summary>Gives the slot back without running anything (the call was rejected before it started).</summary>
    public void Unreserve()
    {
        lock (_gate)
        {
            _reserved = false;
        }
        Views.ClearAll();
    }

    /// <summary>
    /// Starts the reserved operation: stamps the context and arms the deadline and cancellation.
    /// <paramref name="chunkBytes"/> is the call's frame payload when the selector chose one (0: the configured size).
    /// </summary>
    public void Begin(in OperationFingerprint fingerprint, TimeSpan timeout, CancellationToken cancellationToken, int chunkBytes = 0)
    {
        lock (_gate)
        {
            Context.Begin(fingerprint, NextSequence++, chunkBytes);
            _timeout = timeout;
            _localFailure = null;
            _mismatch = null;
            _active = true;
            _startMilliseconds = Environment.TickCount64;
            // A tick comes at most one period after the deadline passes.
            TimeSpan period = timeout < StallInspectionInterval ? timeout : StallInspectionInterval;
            if (!_armed || period != _armedPeriod)
            {
                _deadline.Change(period, period);
                _armed = true;
                _armedPeriod = period;
            }
        }
        if (cancellationToken.CanBeCanceled)
        {
            _cancellation = cancellationToken.UnsafeRegister(static state => ((OperationSlot)state!).OnCancelled(), this);
        }
    }

    /// <summary>Ends the operation; returns why it was stopped locally (deadline, cancellation), if it was.</summary>
    public AbortReason? End()
    {
        _cancellation.Dispose();
        _cancellation = default;
        lock (_gate)
        {
            _active = false;
            _reserved = false;
        }
        Views.ClearAll();
        return _localFailure;
    }

    public void Dispose() => _deadline.Dispose();

    private void OnTick()
    {
        AbortReason reason;
        lock (_gate)
        {
            if (!_active)
            {
                if (_armed)
                {
                    _deadline.Change(Timeout.Infinite, Timeout.Infinite);
                    _armed = false;
                }
                return;
            }
            if (_localFailure is not null)
            {
                return;
            }
            if (Environment.TickCount64 - _startMilliseconds >= (long)_timeout.TotalMilliseconds)
            {
                reason = new AbortReason(AbortCode.Timeout, Context.Rank, TimeoutMessage());
            }
            else if (Context.FindMismatchedPendingFrame() is { } mismatch)
            {
                _mismatch = mismatch;
                reason = new AbortReason(AbortCode.Mismatch, Context.Rank, mismatch.Message);
            }
            else
            {
                return;
            }
            _localFailure = reason;
        }
        _fail(reason);
    }

    private void OnCancelled()
    {
        AbortReason reason;
        lock (_gate)
        {
            if (!_active || _localFailure is not null)
            {
                return;
            }
            reason = new AbortReason(AbortCode.Cancelled, Context.Rank, string.Create(CultureInfo.InvariantCulture,
                $"Rank {Context.Rank}'s caller cancelled {Context.Describe()} while it was in flight; the communicator " +
                $"cannot resume a half-done operation. Create a new communicator on every rank."));
            _localFailure = reason;
        }
        _fail(reason);
    }

    private string TimeoutMessage()
    {
        int receiving = Context.AwaitingReceiveFrom;
        int sending = Context.AwaitingSendTo;
        string missing = receiving >= 0 ? $"rank {receiving}" : sending >= 0 ? $"rank {sending}" : "every peer";
        return string.Create(CultureInfo.InvariantCulture,
            $"Rank {Context.Rank}: {Context.Describe()} timed out after {_timeout.TotalSeconds:0.###} s {Context.DescribeWaiting()}. " +
            $"Check that {missing} made the same call; if it is only slow, raise CommunicatorOptions.Timeout.");
    }
}
