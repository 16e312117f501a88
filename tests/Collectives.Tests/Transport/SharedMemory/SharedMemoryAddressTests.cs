using Collectives.Transport.SharedMemory;

namespace Collectives.Tests.Transport.SharedMemory;

/// <summary>The address blob: round trips, and never more than "false" for anything else.</summary>
public sealed class SharedMemoryAddressTests
{
    private static readonly SharedMemoryAddress Sample =
        new("host-ä-1", 0x0123456789ABCDEF, 5, new ProcessIdentity(4242, 987654321, 4026531836), 0xFEDCBA9876543210);

    [Fact]
    public void RoundTrips()
    {
        Assert.True(SharedMemoryAddress.TryDecode(Sample.Encode(), out SharedMemoryAddress? decoded));
        Assert.Equal(Sample, decoded);
    }

    [Fact]
    public void RejectsTruncatedExtendedAndAlteredBlobs()
    {
        byte[] blob = Sample.Encode();
        for (int length = 0; length < blob.Length; length++)
        {
            Assert.False(SharedMemoryAddress.TryDecode(blob.AsSpan(0, length), out _));
        }
        Assert.False(SharedMemoryAddress.TryDecode([.. blob, 0], out _));
        foreach (int offset in new[] { 0, 4, 5, 6, 19, 23, 31, 48 }) // magic, version, reserved, signs of endpoint, pid, start time; host length
        {
            byte[] altered = (byte[])blob.Clone();
            altered[offset] = 0xFF;
            Assert.False(SharedMemoryAddress.TryDecode(altered, out _), $"byte {offset} altered");
        }
        Assert.Throws<ArgumentException>(() => (Sample with { HostId = new string('h', 256) }).Encode());
    }

    [Fact]
    public async Task FuzzedBlobsNeverThrowAndNeverConnect()
    {
        await using ShmHarness harness = await ShmHarness.StartAsync(1);
        SharedMemoryTransport transport = harness.Transports[0];
        var random = new Random(17);
        byte[] valid = Sample.Encode();
        for (int i = 0; i < 20_000; i++)
        {
            byte[] blob;
            if (i % 2 == 0)
            {
                blob = new byte[random.Next(0, 80)];
                random.NextBytes(blob);
            }
            else
            {
                blob = (byte[])valid.Clone();
                for (int flips = random.Next(1, 4); flips > 0; flips--)
                {
                    blob[random.Next(blob.Length)] ^= (byte)random.Next(1, 256);
                }
            }
            if (SharedMemoryAddress.TryDecode(blob, out SharedMemoryAddress? decoded))
            {
                Assert.True(SharedMemoryAddress.TryDecode(decoded!.Encode(), out SharedMemoryAddress? again));
                Assert.Equal(decoded, again);
            }
            Assert.False(transport.CanConnect(blob));
        }
    }
}
