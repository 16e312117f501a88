using Collectives.Threading;
using Collectives.Wire;

namespace Collectives.Transport.InProcess;

/// <summary>
/// A frame handed from sender to receiver without copying: the encoded header and the
/// sender's own payload memory. The sender waits on <see cref="Consumed"/> until the receiver
/// releases the payload (rendezvous), so the payload is read straight out of the sender's buffer.
/// </summary>
internal sealed class PendingFrame : IInboundFrameOwner
{
    public byte[] HeaderBytes { get; } = new byte[FrameHeader.Size];

    public ReadOnlyMemory<byte> Payload { get; private set; }

    public ReusableCompletion Consumed { get; } = new();

    private InProcessPipe? _pipe;

    public void Prepare(InProcessPipe pipe, in FrameHeader header, ReadOnlyMemory<byte> payload)
    {
        _pipe = pipe;
        // The header is encoded and parsed back like on a wire, so the in-process transport
        // exercises the same codec and checks as every other transport.
        header.Write(HeaderBytes);
        Payload = payload;
        Consumed.Reset();
    }

    public void Clear()
    {
        Payload = default;
        _pipe = null;
    }

    void IInboundFrameOwner.Release(short token)
    {
        if (token == Consumed.Version)
        {
            _pipe?.Complete(this);
        }
    }
}
