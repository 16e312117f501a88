using Collectives.Transport;
using Collectives.Transport.InProcess;

namespace Collectives.Tests.Transport;

/// <summary>The link contract on the in-process transport.</summary>
public sealed class InProcessLinkConformanceTests : LinkConformanceTests
{
    protected override async Task<(IPeerLink A, IPeerLink B)> CreatePairAsync()
    {
        var fabric = new InProcessFabric();
        IPeerLink a = await fabric.ConnectAsync(new LinkKey(1, 0, 1));
        IPeerLink b = await fabric.ConnectAsync(new LinkKey(1, 1, 0));
        return (a, b);
    }

    [Fact]
    public async Task SendCompletesOnlyOnceTheReceiverReleasesThePayload()
    {
        (IPeerLink a, IPeerLink b) = await CreatePairAsync();
        byte[] payload = [1, 2, 3];
        Task send = a.SendAsync(Header(0, 3), payload).AsTask();
        InboundFrame frame = await b.ReceiveAsync();
        // Zero copy: the receiver reads the sender's own buffer, so the send is still pending.
        await Task.Delay(20);
        Assert.False(send.IsCompleted);
        frame.Dispose();
        await send.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task EachCommunicatorGetsItsOwnLink()
    {
        var fabric = new InProcessFabric();
        IPeerLink first = await fabric.ConnectAsync(new LinkKey(1, 0, 1));
        IPeerLink other = await fabric.ConnectAsync(new LinkKey(2, 1, 0));
        IPeerLink second = await fabric.ConnectAsync(new LinkKey(1, 1, 0));
        Task send = first.SendAsync(Header(0, 0), ReadOnlyMemory<byte>.Empty).AsTask();
        using (InboundFrame frame = await second.ReceiveAsync())
        {
            Assert.Equal(0, frame.Header.Sequence);
        }
        await send;
        Assert.NotSame(other, second);
        Assert.Throws<ArgumentException>(() => fabric.ConnectAsync(new LinkKey(3, 2, 2)));
    }
}
