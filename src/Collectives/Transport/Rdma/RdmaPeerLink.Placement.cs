using System.Buffers;
using System.Globalization;
using Collectives.Transport.Rdma.Native;
using Collectives.Wire;

namespace Collectives.Transport.Rdma;

/// <summary>
/// Placed frames (<see cref="IPlacedReceive"/>): the receiver offers its caller's memory as a
/// window for one call's frames; the sender writes matching frames straight there instead of
/// into the ring, and the receive lends the window's own bytes, so the copy out of the ring
/// goes. The C all-reduce over the shim measured what this is worth: its all-gather written
/// into the peer's output reached 1.04-1.21x the busbw of the copied one over tcp;ofi_rxm.
/// <para>
/// The window needs no closing message: the sender places only frames of the call the window
/// names, and once the receiver's call has taken all its frames from this peer, every write
/// into the window has landed and no more can come. A call that fails cannot know that, so its
/// window is abandoned (<see cref="PlacementOffer.Abandon"/>), never unpinned.
/// </para>
/// </summary>
internal sealed partial class RdmaPeerLink : IPlacedReceive
{
    private const int WindowBytes = RdmaTuning.MessagePrefixBytes + PlacementAnnouncement.Size;

    /// <summary>Receiving side: the window open now, and whether its announcement still waits for a control staging slot.</summary>
    private PlacementOffer? _offer;
    private bool _windowOwed;

    /// <summary>Sending side: the window the peer announced last (a later call's replaces it).</summary>
    private PlacementAnnouncement _peerWindow;
    private bool _hasPeerWindow;

    private long _placedFramesTaken;

    /// <summary>Frames this end took straight out of a window it offered (tests look).</summary>
    internal long PlacedFramesTaken => Volatile.Read(ref _placedFramesTaken);

    /// <summary>Whether the peer's window for call <paramref name="sequence"/> reached this end (tests wait for it).</summary>
    internal bool KnowsPeerWindow(long sequence)
    {
        lock (_gate)
        {
            return _hasPeerWindow && _peerWindow.Sequence == sequence;
        }
    }

    public unsafe PlacementWindow? OfferPlacement(uint epoch, long sequence, long offset, Memory<byte> region)
    {
        if (region.Length < RdmaTuning.MinPlacementBytes || offset < 0)
        {
            return null;
        }
        PlacementOffer offer;
        lock (_gate)
        {
            if (_offer is not null || _abort is not null || _tearingDown || !_ready)
            {
                return null;
            }
            MemoryHandle pin = region.Pin();
            FabricMemoryRegionHandle registration;
            FabricMemoryInfo info;
            try
            {
                registration = _fabric.Register(pin.Pointer, (nuint)region.Length, FabricStatus.AccessLocal | FabricStatus.AccessRemoteWrite, out info);
            }
            catch (FabricException)
            {
                // Only a faster path is lost: the frames take the ring, as they would with no offer.
                pin.Dispose();
                return null;
            }
            offer = new PlacementOffer(new PlacementAnnouncement(sequence, epoch, offset, region.Length, info.RemoteBase, info.Key), region, pin, registration,
                _endpoint.Registrations);
            _offer = offer;
            _windowOwed = true;
            try
            {
                SendWindowLocked();
            }
            catch (FabricException e)
            {
                FailFromFabricLocked(e);
            }
        }
        return new PlacementWindow(completed => CloseWindow(offer, completed));
    }

    private void CloseWindow(PlacementOffer offer, bool callCompleted)
    {
        lock (_gate)
        {
            if (_offer == offer)
            {
                _offer = null;
                _windowOwed = false;
            }
            // Completed: every frame the call expected was taken, so every write into the window landed.
            if (callCompleted || !offer.Announced)
            {
                offer.Release();
            }
            else
            {
                offer.Abandon();
            }
        }
    }

    private void SendWindowLocked()
    {
        if (!_windowOwed || _offer is not { } offer || _abort is not null || _tearingDown || !_freeControlStaging.TryPop(out int slot))
        {
            return; // a control staging slot frees up with the next control send's completion
        }
        _windowOwed = false;
        offer.Announced = true;
        Span<byte> message = _controlStaging.Span(slot * RdmaTuning.ControlSlotBytes, RdmaTuning.ControlSlotBytes);
        WritePrefixLocked(message, MessageKind.Window, 0);
        offer.Announcement.Write(message[RdmaTuning.MessagePrefixBytes..]);
        PostControlMessageLocked(slot, WindowBytes);
    }

    private void OnPeerWindowLocked(ReadOnlySpan<byte> body)
    {
        if (!PlacementAnnouncement.TryRead(body, out PlacementAnnouncement announcement))
        {
            FailProtocolLocked("a window announcement that describes no memory");
            return;
        }
        _peerWindow = announcement;
        _hasPeerWindow = true;
    }

    /// <summary>Where the active send's payload goes in the peer's window, or false when the window does not take it.</summary>
    private bool TryPlaceLocked(int length, out ulong remoteAddress)
    {
        remoteAddress = 0;
        // Point-to-point frames never: a receive posted for them may be for other memory than a collective offered.
        if (!_hasPeerWindow || _sendHeader.Fingerprint.Collective == CollectiveKind.Send ||
            !_peerWindow.Covers(_sendHeader.Epoch, _sendHeader.Sequence, _sendHeader.ChunkOffset, length))
        {
            return false;
        }
        remoteAddress = _peerWindow.RemoteAddress + (ulong)(_sendHeader.ChunkOffset - _peerWindow.Offset);
        return true;
    }

    /// <summary>The payload of a placed frame, in the window this end offered; null (after failing the link) when no window covers it.</summary>
    private ReadOnlyMemory<byte>? PlacedPayloadLocked(in FrameHeader header)
    {
        if (_offer is { } offer && offer.Announced &&
            offer.Announcement.Covers(header.Epoch, header.Sequence, header.ChunkOffset, header.PayloadLength))
        {
            return offer.Slice(header.ChunkOffset, header.PayloadLength);
        }
        FailProtocolLocked(string.Create(CultureInfo.InvariantCulture,
            $"a placed frame (call {header.Sequence}, bytes [{header.ChunkOffset}, {header.ChunkOffset + header.PayloadLength})) outside any window this end offered"));
        return null;
    }
}
