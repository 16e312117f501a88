using System.Net;
using Collectives.Transport.Tcp;
using FsCheck;
using FsCheck.Fluent;

namespace Collectives.Tests.Transport.Tcp;

/// <summary>The tcp address blob: round trips, a bounded parser that never throws, and a symmetric can-connect rule.</summary>
public sealed class TcpAddressTests
{
    private static TcpAddress Sample(string host = "host-ä1", string ip = "10.1.2.3") =>
        new(host, IPAddress.Parse(ip), 40123, 3, 123_456);

    [Theory]
    [InlineData("10.1.2.3")]
    [InlineData("127.0.0.1")]
    [InlineData("fd00::1234:5678")]
    public void RoundTrips(string ip)
    {
        TcpAddress address = Sample(ip: ip);
        Assert.True(TcpAddress.TryDecode(address.Encode(), out TcpAddress? decoded));
        Assert.Equal(address, decoded);
    }

    [Fact]
    public void EveryTruncationAndEveryExtensionIsRejected()
    {
        byte[] bytes = Sample().Encode();
        for (int length = 0; length < bytes.Length; length++)
        {
            Assert.False(TcpAddress.TryDecode(bytes.AsSpan(0, length), out _), $"a {length}-byte prefix was accepted");
        }
        Assert.False(TcpAddress.TryDecode([.. bytes, 0], out _));
    }

    [Fact]
    public void OutOfRangeFieldsAreRejected()
    {
        byte[] valid = Sample().Encode();
        Assert.False(TcpAddress.TryDecode(Patch(valid, 4, 2), out _)); // version
        Assert.False(TcpAddress.TryDecode(Patch(valid, 5, 0), out _)); // no sockets
        Assert.False(TcpAddress.TryDecode(Patch(valid, 5, TcpTransportOptions.MaxSocketsPerPeer + 1), out _));
        Assert.False(TcpAddress.TryDecode(Patch(valid, 9, 0x80), out _)); // negative threshold
        Assert.False(TcpAddress.TryDecode(Patch(Patch(valid, 10, 0), 11, 0), out _)); // port 0
        Assert.False(TcpAddress.TryDecode(Patch(valid, 12, 5), out _)); // family
    }

    [Fact]
    public void ArbitraryBytesNeverThrow()
    {
        Prop.ForAll(ArbMap.Default.ArbFor<byte[]>(), bytes =>
        {
            TcpAddress.TryDecode(bytes, out _);
            return true;
        }).QuickCheckThrowOnFailure();
        byte[] valid = Sample().Encode();
        var random = new Random(17);
        for (int i = 0; i < 50_000; i++)
        {
            byte[] mutated = (byte[])valid.Clone();
            for (int flips = random.Next(1, 4); flips > 0; flips--)
            {
                mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
            }
            if (TcpAddress.TryDecode(mutated, out TcpAddress? decoded))
            {
                Assert.True(decoded!.SocketsPerPeer is >= 1 and <= TcpTransportOptions.MaxSocketsPerPeer);
                Assert.True(decoded.Port > 0 && decoded.StripeThreshold >= 0);
            }
            byte[] noise = new byte[random.Next(0, 80)];
            random.NextBytes(noise);
            TcpAddress.TryDecode(noise, out _);
        }
    }

    [Fact]
    public void CanConnectIsSymmetricAndKeepsLoopbackWithinAHost()
    {
        TcpAddress[] addresses =
        [
            Sample("a", "127.0.0.1"), Sample("b", "127.0.0.1"), Sample("a", "10.0.0.1"),
            Sample("b", "10.0.0.2"), Sample("a", "::1"), Sample("b", "fd00::2"),
        ];
        foreach (TcpAddress x in addresses)
        {
            foreach (TcpAddress y in addresses)
            {
                Assert.Equal(x.CanReach(y), y.CanReach(x));
            }
        }
        Assert.True(addresses[0].CanReach(addresses[2]));  // one host, loopback and a real address
        Assert.False(addresses[0].CanReach(addresses[1])); // two hosts' loopbacks are not one network
        Assert.False(addresses[1].CanReach(addresses[2])); // nor is a remote host's loopback
        Assert.True(addresses[2].CanReach(addresses[3]));
        Assert.False(addresses[2].CanReach(addresses[5])); // IPv4 cannot dial IPv6
    }

    [Fact]
    public void BothEndsAgreeOnTheStripeLayout()
    {
        var x = new TcpAddress("a", IPAddress.Loopback, 1, 4, 1000);
        var y = new TcpAddress("a", IPAddress.Loopback, 2, 2, 5000);
        Assert.Equal(x.LayoutWith(y), y.LayoutWith(x));
        Assert.Equal(new StripeLayout(2, 5000), x.LayoutWith(y));
    }

    [Fact]
    public void StripesCoverThePayloadExactlyOnce()
    {
        var random = new Random(3);
        for (int i = 0; i < 2000; i++)
        {
            var layout = new StripeLayout(random.Next(1, TcpTransportOptions.MaxSocketsPerPeer + 1), 0);
            int length = random.Next(0, 1 << random.Next(1, 27));
            int next = 0;
            for (int s = 0; s < layout.Sockets; s++)
            {
                (int start, int count) = layout.Stripe(length, s);
                Assert.True(count >= 0);
                Assert.Equal(next, start);
                next = start + count;
            }
            Assert.Equal(length, next);
        }
    }

    private static byte[] Patch(byte[] source, int index, int value)
    {
        byte[] copy = (byte[])source.Clone();
        copy[index] = (byte)value;
        return copy;
    }
}
