using System.Globalization;
using Collectives.Wire;

namespace Collectives.Transport.Circuits;

/// <summary>
/// A link decorator that makes a frame leave only when the emulated optical fabric would have
/// carried it: after the switch's dark spell when the node must change configuration to reach
/// the peer, and after the frame's bytes have crossed the route (a circuit of its own, or several
/// relaying nodes) at the port's bandwidth. Receives are untouched: pacing the sender paces the pair.
/// <para>
/// Frames without payload (barriers, empty chunks) and abort frames pass at once and never change
/// the circuits: a circuit switch serves bulk data, and such signalling rides the fabric's
/// packet-switched control network in real deployments (and a barrier between timed loops must
/// not move the circuits the loop is timed on).
/// </para>
/// <para>
/// Handing a frame over has costs of its own (the real transport's copy, waking on a busy
/// machine); they overlap the emulated wire, as a NIC's DMA does: a frame is handed over early by
/// what handing the last one over took (never before its bytes start), so it lands about when its
/// emulated bytes have crossed. A frame that follows its predecessor at once starts where that
/// one's wire time ended. It offers no <see cref="IDirectReceive"/> or remote memory access:
/// everything takes the ordinary path, which every transport has.
/// </para>
/// </summary>
public sealed class CircuitEmulatingLink : PeerLinkDecorator
{
    /// <summary>A sender back within this much of its link's free time counts as streaming, not as starting anew.</summary>
    public const double BackToBackSlackSeconds = 20e-6;

    private readonly LinkKey _key;
    private readonly EmulatedCircuitNode _node;
    private readonly CircuitEmulation _emulation;
    // One sender at a time per link (IPeerLink's contract), so these need no lock.
    private double _wireFree = double.NegativeInfinity;
    // What handing the last frame over took beyond its emulated time: waking late plus the real send.
    private double _lastHandOverSeconds;
    private double _lateSeconds;

    public CircuitEmulatingLink(IPeerLink inner, LinkKey key, EmulatedCircuitNode node, CircuitEmulation emulation)
        : base(inner)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(emulation);
        _key = key;
        _node = node;
        _emulation = emulation;
    }

    public override async ValueTask SendAsync(FrameHeader header, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        if (header.Kind != FrameKind.Data || payload.IsEmpty)
        {
            await Inner.SendAsync(header, payload, cancellationToken).ConfigureAwait(false);
            return;
        }
        ICircuitClock clock = _emulation.Clock;
        await PaceAsync(header, payload.Length, clock, cancellationToken).ConfigureAwait(false);
        double started = clock.Now;
        await Inner.SendAsync(header, payload, cancellationToken).ConfigureAwait(false);
        _lastHandOverSeconds = _lateSeconds + (clock.Now - started);
    }

    private async ValueTask PaceAsync(FrameHeader header, int bytes, ICircuitClock clock, CancellationToken cancellationToken)
    {
        double now = clock.Now;
        bool newBurst = now > _wireFree + BackToBackSlackSeconds;
        PacedFrame frame = _node.Reserve(_key.PeerEndpoint, bytes, newBurst ? now : _wireFree, newBurst, header.Fingerprint.Algorithm);
        // Handing the frame over costs time the emulated fabric does not have: the real transport's part (copying into the
        // peer's ring, a socket write) and this end waking late on a busy machine. Both overlap the emulated wire, as a NIC's
        // DMA does: the frame is handed over that much (as the last frame measured it) before its bytes have crossed, so it
        // lands about when they have; never before its bytes start.
        double handOver = Math.Max(frame.Start, frame.Finish - _lastHandOverSeconds);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, Aborted);
        try
        {
            await clock.WaitUntilAsync(handOver, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Aborted meanwhile: the inner send fails with the abort's reason, which names what happened.
            return;
        }
        catch (OperationCanceledException e)
        {
            // Cancelling a send aborts the link (IPeerLink's contract): a half-sent frame cannot be taken back.
            string where = frame.WentDark && clock.Now < frame.DarkUntil
                ? string.Create(CultureInfo.InvariantCulture,
                    $"the emulated switch was dark ({(frame.DarkUntil - frame.DarkFrom) * 1e6:0.#} us to reach '{frame.Route.Configuration.Name}')")
                : "its bytes crossed the emulated circuits";
            string reason = string.Create(CultureInfo.InvariantCulture,
                $"rank {_key.LocalEndpoint}: the send of {header.Fingerprint} #{header.Sequence} to rank {_key.PeerEndpoint} was cancelled while {where} (COLLECTIVES_CIRCUITS={_emulation.Spec})");
            Inner.Abort(new AbortReason(AbortCode.Cancelled, _key.LocalEndpoint, reason));
            throw new OperationCanceledException(reason, e, cancellationToken);
        }
        _wireFree = frame.Finish;
        _lateSeconds = Math.Max(0, clock.Now - handOver);
    }
}
