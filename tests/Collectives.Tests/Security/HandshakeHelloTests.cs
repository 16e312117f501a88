using System.Security.Cryptography;
using Collectives.Security;
using FsCheck;
using FsCheck.Fluent;

namespace Collectives.Tests.Security;

/// <summary>The hello codec: exact round trips, and a parser that says no (never throws) to anything else.</summary>
public sealed class HandshakeHelloTests
{
    private static HandshakeHello Sample() => new(HandshakePurpose.Store, 0x1122334455667788, 0x99AABBCCDDEEFF00, 7, 3, -1, 9,
        RandomNumberGenerator.GetBytes(HandshakeHello.NonceSize));

    [Fact]
    public void RoundTrips()
    {
        HandshakeHello hello = Sample();
        byte[] bytes = new byte[HandshakeHello.Size];
        hello.Write(bytes);
        Assert.True(HandshakeHello.TryRead(bytes, out HandshakeHello parsed));
        Assert.Equal(hello.Purpose, parsed.Purpose);
        Assert.Equal(hello.JobHash, parsed.JobHash);
        Assert.Equal(hello.CommunicatorId, parsed.CommunicatorId);
        Assert.Equal(hello.Epoch, parsed.Epoch);
        Assert.Equal(hello.DialerEndpoint, parsed.DialerEndpoint);
        Assert.Equal(hello.AcceptorEndpoint, parsed.AcceptorEndpoint);
        Assert.Equal(hello.Channel, parsed.Channel);
        Assert.True(hello.Nonce.Span.SequenceEqual(parsed.Nonce.Span));
    }

    [Fact]
    public void WriteRefusesShortBuffersAndWrongNonces()
    {
        Assert.Throws<ArgumentException>(() => Sample().Write(new byte[HandshakeHello.Size - 1]));
        Assert.Throws<InvalidOperationException>(() => (Sample() with { Nonce = new byte[5] }).Write(new byte[HandshakeHello.Size]));
    }

    [Theory]
    [InlineData(0)] // magic
    [InlineData(4)] // version
    [InlineData(6)] // purpose
    [InlineData(7)] // reserved
    [InlineData(38)] // reserved
    public void RejectsCorruptedFixedFields(int offset)
    {
        byte[] bytes = new byte[HandshakeHello.Size];
        Sample().Write(bytes);
        bytes[offset] ^= 0x40;
        Assert.False(HandshakeHello.TryRead(bytes, out _));
    }

    [Fact]
    public void RejectsShortInput()
    {
        byte[] bytes = new byte[HandshakeHello.Size];
        Sample().Write(bytes);
        for (int length = 0; length < HandshakeHello.Size; length++)
        {
            Assert.False(HandshakeHello.TryRead(bytes.AsSpan(0, length), out _));
        }
    }

    [Fact]
    public void NeverThrowsOnArbitraryBytes()
    {
        Prop.ForAll(ArbMap.Default.ArbFor<byte[]>(), bytes =>
        {
            HandshakeHello.TryRead(bytes, out _);
            return true;
        }).QuickCheckThrowOnFailure();
    }
}
