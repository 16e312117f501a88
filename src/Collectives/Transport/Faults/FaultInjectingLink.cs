using System.Globalization;
using Collectives.Wire;

namespace Collectives.Transport.Faults;

/// <summary>
/// A link decorator that injects the faults of a <see cref="FaultSpec"/> into what this end
/// sends: a delay before each frame, a dropped link (aborted with a reason that says the fault
/// was injected, so every rank's error shows it was not a real network failure), and corrupted
/// header fields. It does not offer <see cref="IDirectReceive"/>: receives take the ordinary
/// path, which checks every header just the same.
/// <para>
/// Payload bytes are never corrupted. Frames carry no payload checksum (TCP's and the memory's
/// own protect them), so a flipped payload byte would come out as a silently wrong result,
/// which no test of ours may accept as "handled". Header fields are the honest target: the
/// receiver checks them against its own call, and a corrupted one must fail the call loudly.
/// </para>
/// </summary>
public sealed class FaultInjectingLink : PeerLinkDecorator
{
    private readonly LinkKey _key;
    private readonly FaultSpec _spec;
    private readonly LinkFaultSchedule _schedule;

    public FaultInjectingLink(IPeerLink inner, LinkKey key, FaultSpec spec)
        : base(inner)
    {
        ArgumentNullException.ThrowIfNull(spec);
        _key = key;
        _spec = spec;
        _schedule = new LinkFaultSchedule(spec, key.LocalEndpoint, key.PeerEndpoint);
    }

    /// <summary><paramref name="link"/> with the spec's faults when they apply to its local end, else the link itself.</summary>
    public static IPeerLink Wrap(IPeerLink link, LinkKey key, FaultSpec? spec) =>
        spec is not null && spec.AppliesTo(key.LocalEndpoint) ? new FaultInjectingLink(link, key, spec) : link;

    public override async ValueTask SendAsync(FrameHeader header, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        // One sender at a time per link (IPeerLink's contract), so the schedule needs no lock.
        FrameFault fault = _schedule.Next();
        if (fault.Delay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(fault.Delay, Aborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Aborted meanwhile: the inner send below fails with the abort's reason.
            }
        }
        if (fault.DropLink)
        {
            Inner.Abort(DropReason(_schedule.Frames - 1));
        }
        if (fault.Corruption != HeaderCorruption.None && header.Kind == FrameKind.Data)
        {
            header = Corrupt(header, fault.Corruption, fault.CorruptionBit);
        }
        await Inner.SendAsync(header, payload, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The header with one bit of <paramref name="field"/> flipped; still a well-formed header, just not this call's.</summary>
    public static FrameHeader Corrupt(FrameHeader header, HeaderCorruption field, int bit) => field switch
    {
        HeaderCorruption.Sequence => header with { Sequence = header.Sequence ^ (1L << bit) },
        HeaderCorruption.ChunkOffset => header with { ChunkOffset = header.ChunkOffset ^ (1L << bit) },
        HeaderCorruption.Count => header with { Fingerprint = header.Fingerprint with { Count = header.Fingerprint.Count ^ (1L << bit) } },
        _ => header,
    };

    /// <summary>
    /// A lost connection as the peer sees one (Closed), with a message that says it was injected.
    /// Endpoints are job-wide ranks: equal to the communicator's ranks except in split communicators.
    /// </summary>
    private AbortReason DropReason(long framesSent) => new(AbortCode.Closed, _key.LocalEndpoint, string.Create(CultureInfo.InvariantCulture,
        $"rank {_key.LocalEndpoint}: injected fault (COLLECTIVES_FAULTS={_spec}): dropped the link to rank {_key.PeerEndpoint} " +
        $"after {framesSent} frames sent"));
}
