using System.Globalization;
using Collectives.Kernels;
using Collectives.Transport.Rdma.Native;
using Collectives.Wire;

namespace Collectives.Transport.Rdma;

internal sealed partial class RdmaPeerLink
{
    /// <summary>Control frames describe no call; any valid fingerprint does.</summary>
    private static readonly OperationFingerprint ControlFingerprint =
        new(CollectiveKind.Send, DataType.UInt8, ReduceOp.Sum, Algorithm.Direct, 0, 0);

    /// <summary>
    /// Makes this end of a link over <paramref name="control"/>, an authenticated TCP link to the
    /// same peer: registers the buffers and posts the receives, swaps hellos over the control link,
    /// then opens the fabric connection with a first credit message each way. Fails within
    /// <paramref name="timeout"/>, naming the stage that did not finish.
    /// </summary>
    public static async ValueTask<RdmaPeerLink> ConnectAsync(RdmaEndpoint endpoint, LinkKey key, IPeerLink control, RdmaAddress peer,
        TimeSpan timeout, CancellationToken cancellationToken)
    {
        RdmaPeerLink link;
        try
        {
            link = new RdmaPeerLink(endpoint, key, control, endpoint.PeerHandle(peer.FabricAddress));
        }
        catch (Exception e)
        {
            await control.DisposeAsync().ConfigureAwait(false);
            if (e is FabricException fabric)
            {
                throw new IOException(string.Create(CultureInfo.InvariantCulture,
                    $"rank {key.LocalEndpoint} could not reach rank {key.PeerEndpoint} over {endpoint.Description}: {fabric.Message}"), fabric);
            }
            throw;
        }
        try
        {
            await link.HandshakeAsync(timeout, cancellationToken).ConfigureAwait(false);
            return link;
        }
        catch
        {
            await link.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async ValueTask HandshakeAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _endpoint.Add(this);
            try
            {
                for (int slot = 0; slot < RdmaTuning.MessageSlots; slot++)
                {
                    PostFrameReceiveLocked(slot);
                }
                for (int slot = 0; slot < RdmaTuning.ControlSlots; slot++)
                {
                    PostControlReceiveLocked(slot);
                }
            }
            catch (FabricException e)
            {
                throw new IOException(Describe("could not post its receives", e.FabricText), e);
            }
        }
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        string stage = "swap link hellos over the control connection";
        try
        {
            byte[] hello = new LinkHello(Id, RdmaTuning.MessageSlots, RdmaTuning.InlinePayloadLimit, _ring.RemoteBase, _ring.Key, _ring.Length).Encode();
            ValueTask sending = _control.SendAsync(ControlHeader(hello.Length), hello, deadline.Token);
            LinkHello remote;
            using (InboundFrame frame = await _control.ReceiveAsync(deadline.Token).ConfigureAwait(false))
            {
                remote = LinkHello.TryDecode(frame.Payload.Span, out string problem) ?? throw new IOException(string.Create(CultureInfo.InvariantCulture,
                    $"rank {_key.LocalEndpoint}: rank {_key.PeerEndpoint} sent {problem} on the rdma control connection; are both running the same Collectives version?"));
            }
            await sending.ConfigureAwait(false);
            stage = $"exchange a first message over the fabric ({_endpoint.Description})";
            lock (_gate)
            {
                _remote = remote;
                _ready = true;
                try
                {
                    SendCreditLocked(force: true);
                }
                catch (FabricException e)
                {
                    FailFromFabricLocked(e);
                }
            }
            _endpoint.Wake();
            await _warm.Task.WaitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException(string.Create(CultureInfo.InvariantCulture,
                $"rank {_key.LocalEndpoint} waited {timeout.TotalSeconds:0.###} s for rank {_key.PeerEndpoint} to {stage} " +
                $"(communicator {_key.CommunicatorId:x16}), but it never did. Check that rank {_key.PeerEndpoint} runs and that both reach each other's fabric address."), e);
        }
        catch (LinkAbortedException e) when (!cancellationToken.IsCancellationRequested)
        {
            // The control connection went down under the handshake: the peer gave up or died, or the fabric failed.
            throw new IOException(string.Create(CultureInfo.InvariantCulture,
                $"rank {_key.LocalEndpoint} could not {stage} with rank {_key.PeerEndpoint} (communicator {_key.CommunicatorId:x16}): {e.Message}"), e);
        }
        _ = ReadControlAsync();
    }

    /// <summary>
    /// Waits on the control connection for the peer's news, without a thread: nothing comes on it
    /// after the hello, so a receive that ends means the peer aborted (its reason), or its process
    /// died (the connection closed).
    /// </summary>
    private async Task ReadControlAsync()
    {
        try
        {
            InboundFrame frame = await _control.ReceiveAsync().ConfigureAwait(false);
            frame.Dispose();
            lock (_gate)
            {
                FailProtocolLocked("a frame on the control connection after the hello");
            }
        }
        catch (LinkAbortedException e) when (e.RaisedByPeer)
        {
            lock (_gate)
            {
                PeerAbortedLocked(e.Reason);
            }
            _endpoint.Wake();
        }
        catch (Exception e) when (e is LinkAbortedException or ObjectDisposedException or IOException)
        {
            // This end aborted or closed the control link itself: it already knows why.
        }
    }

    private FrameHeader ControlHeader(int length) =>
        new(FrameKind.Data, _key.CommunicatorId, 0, _key.LocalEndpoint, 0, ControlFingerprint, 0, length);
}
