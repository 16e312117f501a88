using Collectives.Wire;

namespace Collectives.Transport;

/// <summary>
/// A received frame. The payload is lent, not copied: on the in-process transport it is the
/// sender's own memory, on shared memory a slot of the peer's ring. Check the header, reduce or
/// copy from the payload, then dispose the frame promptly; the payload is invalid afterwards.
/// </summary>
public readonly struct InboundFrame : IDisposable
{
    private readonly IInboundFrameOwner? _owner;
    private readonly short _token;

    public InboundFrame(FrameHeader header, ReadOnlyMemory<byte> payload, IInboundFrameOwner? owner, short token)
    {
        Header = header;
        Payload = payload;
        _owner = owner;
        _token = token;
    }

    public FrameHeader Header { get; }

    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>Returns the payload to its owner (for a rendezvous transport this completes the sender).</summary>
    public void Dispose() => _owner?.Release(_token);
}
