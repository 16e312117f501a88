using System.Globalization;
using System.Runtime.CompilerServices;
using Collectives.Algorithms;
using Collectives.Kernels;
using Collectives.Operations;
using Collectives.Transport;

namespace Collectives;

// How a call runs: reserve a slot, validate, run the algorithm under a deadline, and turn any
// failure into one exception that names the rank, the peer, the operation and what to do.
public sealed partial class Communicator
{
    /// <summary>Claims the collective slot or throws: disposed, broken, or another operation in flight.</summary>
    private OperationSlot ReserveCollective(string operation)
    {
        ThrowIfUnusable(operation);
        lock (_reservationGate)
        {
            if (_pointToPointInFlight > 0)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                    $"Rank {Rank}: {operation} called while {_pointToPointInFlight} SendAsync/ReceiveAsync call(s) are in flight; " +
                    $"await them before starting a collective."));
            }
            if (!_collectiveSlot.TryReserve())
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                    $"Rank {Rank}: {operation} called while {_collectiveSlot.Context.Describe()} is still running; " +
                    $"await each collective before starting the next."));
            }
            _collectiveInFlight = true;
        }
        return _collectiveSlot;
    }

    /// <summary>Claims the slot for sends to (or receives from) <paramref name="peer"/>.</summary>
    private OperationSlot ReservePointToPoint(string operation, int peer, bool receive)
    {
        ThrowIfUnusable(operation);
        if ((uint)peer >= (uint)Size)
        {
            throw new ArgumentOutOfRangeException(nameof(peer), peer, string.Create(CultureInfo.InvariantCulture,
                $"Rank {Rank}: {operation} peer must be a rank in [0, {Size})."));
        }
        if (peer == Rank)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Rank {Rank}: {operation} peer is this rank itself; copy the data locally instead."), nameof(peer));
        }
        lock (_reservationGate)
        {
            if (_collectiveInFlight)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                    $"Rank {Rank}: {operation} called while {_collectiveSlot.Context.Describe()} is running; " +
                    $"await the collective first."));
            }
            OperationSlot?[] slots = receive ? _receiveSlots : _sendSlots;
            OperationSlot slot = slots[peer] ??= NewSlot(receive);
            if (!slot.TryReserve())
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                    $"Rank {Rank}: {operation} called while another {(receive ? "receive from" : "send to")} rank {peer} " +
                    $"is in flight; await it first (messages to one peer are ordered)."));
            }
            _pointToPointInFlight++;
            return slot;
        }
    }

    private void ReleaseReservation(OperationSlot slot)
    {
        lock (_reservationGate)
        {
            if (ReferenceEquals(slot, _collectiveSlot))
            {
                _collectiveInFlight = false;
            }
            else
            {
                _pointToPointInFlight--;
            }
        }
    }

    private void ThrowIfUnusable(string operation)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        AbortReason? broken = Volatile.Read(ref _broken);
        if (broken is not null)
        {
            throw new CollectiveException(string.Create(CultureInfo.InvariantCulture,
                $"Rank {Rank}: cannot run {operation}: the communicator is broken. {broken.Message} " +
                $"Create a new communicator on every rank to continue."),
                Rank, null, operation, 0);
        }
    }

    /// <summary>
    /// The call was rejected before it ran: free the slot and fail the peers fast (they may have
    /// entered the same call and would otherwise wait for their deadline), then let the
    /// ArgumentException reach the caller.
    /// </summary>
    private void Reject(OperationSlot slot, string operation, ArgumentException error)
    {
        slot.Unreserve();
        ReleaseReservation(slot);
        FailLinks(new AbortReason(AbortCode.InvalidArgument, Rank, string.Create(CultureInfo.InvariantCulture,
            $"Rank {Rank} rejected its {operation} call: {error.Message}")));
    }

    /// <summary>Runs a validated call in its reserved slot under the deadline.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask RunAsync(OperationSlot slot, CollectiveCall call, CancellationToken cancellationToken)
    {
        try
        {
            slot.Begin(call.Fingerprint, Options.Timeout, cancellationToken, call.ChunkBytes);
            try
            {
                await AlgorithmRunner.RunAsync(slot.Context, call).ConfigureAwait(false);
            }
            catch (Exception error)
            {
                AbortReason? local = slot.End();
                if (slot.Mismatch is { } mismatch)
                {
                    throw mismatch;
                }
                throw Translate(slot.Context, error, local, cancellationToken);
            }
            slot.End();
        }
        finally
        {
            ReleaseReservation(slot);
        }
    }

    /// <summary>Turns whatever stopped an operation into the one exception the caller sees, and fails the peers.</summary>
    private Exception Translate(CollectiveContext context, Exception error, AbortReason? local, CancellationToken cancellationToken)
    {
        string operation = context.Describe();
        long sequence = context.Sequence;
        if (local is { Code: AbortCode.Timeout })
        {
            int? peer = context.AwaitingReceiveFrom >= 0 ? context.AwaitingReceiveFrom
                : context.AwaitingSendTo >= 0 ? context.AwaitingSendTo : null;
            return new CollectiveTimeoutException(local.Message, Rank, peer, operation, sequence, Options.Timeout);
        }
        if (local is { Code: AbortCode.Cancelled })
        {
            return new OperationCanceledException(local.Message, error, cancellationToken);
        }
        AbortReason reason = ReasonFor(error, operation);
        FailLinks(reason);
        return error switch
        {
            CollectiveException own => own,
            LinkAbortedException aborted => FromReason(aborted.Reason, context, operation, sequence),
            _ => new CollectiveException(reason.Message, Rank, null, operation, sequence, error),
        };
    }

    /// <summary>What to tell the peers about <paramref name="error"/>: the original cause if it came from one.</summary>
    private AbortReason ReasonFor(Exception error, string operation) => error switch
    {
        LinkAbortedException aborted => aborted.Reason,
        CollectiveMismatchException mismatch => new AbortReason(AbortCode.Mismatch, Rank, mismatch.Message),
        CollectiveException collective => new AbortReason(AbortCode.Protocol, Rank, collective.Message),
        _ => new AbortReason(AbortCode.Failed, Rank, string.Create(CultureInfo.InvariantCulture,
            $"Rank {Rank}: {operation} failed: {error.GetType().Name}: {error.Message}")),
    };

    /// <summary>The exception for an operation stopped by a torn-down link, typed by the original cause.</summary>
    private CollectiveException FromReason(AbortReason reason, CollectiveContext context, string operation, long sequence)
    {
        bool own = reason.OriginRank == Rank;
        string message = own
            ? reason.Message
            : reason.OriginRank >= 0
                ? string.Create(CultureInfo.InvariantCulture, $"Rank {Rank}: {operation} failed because rank {reason.OriginRank} reported: {reason.Message}")
                : string.Create(CultureInfo.InvariantCulture, $"Rank {Rank}: {operation} failed: {reason.Message}");
        if (!own && reason.Code == AbortCode.Timeout)
        {
            // A peer's deadline passed first; what this rank was blocked on completes the chain
            // (2 waited for 0, 0 for 1: rank 1 is the missing one).
            message += string.Create(CultureInfo.InvariantCulture, $" Rank {Rank} itself was {context.DescribeWaiting()}.");
        }
        int? peer = reason.OriginRank >= 0 && !own ? reason.OriginRank : null;
        return reason.Code switch
        {
            AbortCode.Mismatch => new CollectiveMismatchException(message, Rank, peer, operation, sequence, operation, reason.Message),
            AbortCode.Timeout => new CollectiveTimeoutException(message, Rank, peer, operation, sequence, Options.Timeout),
            AbortCode.Closed or AbortCode.Cancelled => new PeerLostException(message, Rank, peer, operation, sequence),
            AbortCode.Aborted when !own => new PeerLostException(message, Rank, peer, operation, sequence),
            _ => new CollectiveException(message, Rank, peer, operation, sequence),
        };
    }

    /// <summary>The element type of a call, or an ArgumentException naming the supported ones.</summary>
    private DataType ElementType<T>(string operation)
        where T : unmanaged
    {
        if (!DataTypes.IsSupported<T>())
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Rank {Rank}: {operation} element type {typeof(T).Name} is not supported; use float, double, Half, BFloat16, " +
                $"sbyte, byte, int, uint, long or ulong."), "T");
        }
        return DataTypes.Of<T>();
    }

    /// <summary>Bytes of <paramref name="count"/> elements; one call moves at most 2 GiB − 1 per buffer.</summary>
    private int ByteLength<T>(long count, string operation)
        where T : unmanaged
    {
        long bytes = count * Unsafe.SizeOf<T>();
        if (bytes > int.MaxValue)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Rank {Rank}: {operation} buffer of {count} elements ({bytes} bytes) exceeds the 2 GiB per-call limit; " +
                $"split the buffer into several calls."));
        }
        return (int)bytes;
    }
}
