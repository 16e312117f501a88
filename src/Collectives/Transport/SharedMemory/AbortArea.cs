using System.Diagnostics;
using Collectives.Wire;

namespace Collectives.Transport.SharedMemory;

/// <summary>
/// The abort flag and reason of a link, in its pair segment. The first end to claim the flag
/// writes why (as an <see cref="AbortFrame"/> payload) and which end it is, then publishes;
/// the other end reads it on its next operation or when its progress thread is woken.
/// </summary>
internal sealed unsafe class AbortArea
{
    private readonly int* _state;
    private readonly int* _raisingEnd;
    private readonly int* _length;
    private readonly byte* _reason;

    public AbortArea(byte* segment)
    {
        _state = (int*)(segment + SegmentLayout.AbortStateOffset);
        _raisingEnd = (int*)(segment + SegmentLayout.AbortRaisingEndOffset);
        _length = (int*)(segment + SegmentLayout.AbortLengthOffset);
        _reason = segment + SegmentLayout.AbortReasonOffset;
    }

    public bool IsRaised => Volatile.Read(ref *_state) != SegmentLayout.AbortNone;

    /// <summary>Claims the flag and writes the reason; false when an abort was already raised (the first wins).</summary>
    public bool TryRaise(AbortReason reason, int raisingEnd, LocalPair? local)
    {
        if (Interlocked.CompareExchange(ref *_state, SegmentLayout.AbortWriting, SegmentLayout.AbortNone) != SegmentLayout.AbortNone)
        {
            return false;
        }
        local?.Offer(reason);
        byte[] encoded = AbortFrame.Encode(reason);
        encoded.CopyTo(new Span<byte>(_reason, AbortFrame.MaxLength));
        *_length = encoded.Length;
        *_raisingEnd = raisingEnd;
        Volatile.Write(ref *_state, SegmentLayout.AbortPublished);
        return true;
    }

    /// <summary>
    /// The published reason and the end that raised it. Waits briefly for a reason still being
    /// written; a writer that died mid-way leaves a reason that says so.
    /// </summary>
    public (AbortReason Reason, int RaisingEnd) Read(LocalPair? local, int peerEnd)
    {
        long deadline = Stopwatch.GetTimestamp() + (long)(SharedMemoryTuning.AbortWriteWait.TotalSeconds * Stopwatch.Frequency);
        var spinner = new SpinWait();
        while (Volatile.Read(ref *_state) != SegmentLayout.AbortPublished)
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                return (new AbortReason(AbortCode.Failed, -1,
                    "the peer started to abort the shared-memory link but never wrote why (it may have died)"), peerEnd);
            }
            spinner.SpinOnce();
        }
        int raisingEnd = *_raisingEnd;
        if (local?.Reason is { } same)
        {
            return (same, raisingEnd);
        }
        int length = Math.Clamp(*_length, 0, AbortFrame.MaxLength);
        return (AbortFrame.Decode(new ReadOnlySpan<byte>(_reason, length)), raisingEnd);
    }
}
