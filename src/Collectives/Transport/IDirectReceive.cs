using Collectives.Wire;

namespace Collectives.Transport;

/// <summary>
/// Feature interface of links that can read a frame's payload straight into the caller's
/// memory (a socket reading into the destination buffer, with no staging copy). The caller
/// checks the header before any payload byte is read.
/// </summary>
public interface IDirectReceive
{
    /// <summary>Receives the next frame's header; its payload stays unread until <see cref="ReceivePayloadAsync"/>.</summary>
    ValueTask<FrameHeader> ReceiveHeaderAsync(CancellationToken cancellationToken = default);

    /// <summary>Reads the payload of the frame whose header was just received, exactly <paramref name="destination"/>.Length bytes.</summary>
    ValueTask ReceivePayloadAsync(Memory<byte> destination, CancellationToken cancellationToken = default);
}
