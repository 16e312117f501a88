namespace Collectives.Transport;

/// <summary>Whoever lends an <see cref="InboundFrame"/>'s payload and wants it back.</summary>
public interface IInboundFrameOwner
{
    /// <summary>The receiver is done with the payload of the frame lent under <paramref name="token"/>.</summary>
    void Release(short token);
}
