using Collectives.Transport;
using Collectives.Wire;

namespace Collectives.Tests.Wire;

/// <summary>The abort frame's payload: a reason survives the trip, and nothing the peer sends makes the parser throw.</summary>
public sealed class AbortFrameTests
{
    [Fact]
    public void RoundTripsAReason()
    {
        var reason = new AbortReason(AbortCode.Mismatch, 7, "Rank 7 called AllReduce(float × 10, Sum, ring) #3 but rank 2 called Broadcast…");
        Assert.Equal(reason, AbortFrame.Decode(AbortFrame.Encode(reason)));
    }

    [Fact]
    public void CutsLongMessagesOnACharacterBoundary()
    {
        string message = string.Concat(Enumerable.Repeat("ü€", 3000));
        byte[] payload = AbortFrame.Encode(new AbortReason(AbortCode.Failed, 1, message));
        Assert.True(payload.Length <= AbortFrame.MaxLength);
        AbortReason decoded = AbortFrame.Decode(payload);
        Assert.StartsWith(decoded.Message, message, StringComparison.Ordinal);
        Assert.DoesNotContain('\uFFFD', decoded.Message);
    }

    [Fact]
    public void MalformedPayloadsBecomeAProtocolReason()
    {
        Assert.Equal(AbortCode.Protocol, AbortFrame.Decode([]).Code);
        Assert.Equal(AbortCode.Protocol, AbortFrame.Decode([0, 0, 0, 0, 0]).Code);
        Assert.Equal(AbortCode.Protocol, AbortFrame.Decode(new byte[AbortFrame.MaxLength + 1]).Code);
        var random = new Random(5);
        for (int i = 0; i < 10_000; i++)
        {
            byte[] bytes = new byte[random.Next(0, 64)];
            random.NextBytes(bytes);
            _ = AbortFrame.Decode(bytes); // never throws
        }
    }
}
