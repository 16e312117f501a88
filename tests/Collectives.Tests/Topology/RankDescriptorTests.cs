using System.Buffers.Binary;
using Collectives.Topology;
using FsCheck;
using FsCheck.Fluent;

namespace Collectives.Tests.Topology;

/// <summary>
/// The per-rank descriptor gathered at connect time: round trips, and a decoder that turns away
/// random bytes, truncations and bit flips with a reason, never an exception.
/// </summary>
public sealed class RankDescriptorTests
{
    private static RankDescriptor Sample() => new(
        new RankPlacement(2, "95d4b3be438d8700", "node-é", 1, 0, 7, "eth0", "10.0.0.3"),
        [LinkClass.SharedMemory, LinkClass.Tcp, LinkClass.Self, LinkClass.Rdma]);

    [Fact]
    public void RoundTrips()
    {
        Assert.True(RankDescriptor.TryDecode(Sample().Encode(), out RankDescriptor? decoded, out string error), error);
        Assert.Equal(Sample().Placement, decoded!.Placement);
        Assert.Equal(Sample().Row, decoded.Row);
        Assert.Equal("", error);
    }

    [Fact]
    public void NullInterfaceAndAddressRoundTrip()
    {
        var descriptor = new RankDescriptor(new RankPlacement(0, "h", "h"), [LinkClass.Self]);
        Assert.True(RankDescriptor.TryDecode(descriptor.Encode(), out RankDescriptor? decoded, out _));
        Assert.Null(decoded!.Placement.Interface);
        Assert.Null(decoded.Placement.Address);
        Assert.Equal(-1, decoded.Placement.Core);
    }

    [Fact]
    public void RandomPlacementsRoundTrip()
    {
        Prop.ForAll(ArbMap.Default.ArbFor<int>(), seed =>
        {
            JobTopology topology = RandomTopologies.Next(new Random(seed));
            for (int rank = 0; rank < topology.Size; rank++)
            {
                LinkClass[] row = Enumerable.Range(0, topology.Size).Select(peer => topology.LinkBetween(rank, peer)).ToArray();
                var descriptor = new RankDescriptor(topology.Ranks[rank], row);
                Assert.True(RankDescriptor.TryDecode(descriptor.Encode(), out RankDescriptor? decoded, out string error), error);
                Assert.Equal(descriptor.Placement, decoded!.Placement);
                Assert.Equal(row, decoded.Row);
            }
            return true;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void DescriptorsBuildTheTopology()
    {
        JobTopology expected = JobTopology.FromHostSizes([2, 1]);
        RankDescriptor[] descriptors = Enumerable.Range(0, 3).Select(r => new RankDescriptor(expected.Ranks[r],
            Enumerable.Range(0, 3).Select(p => expected.LinkBetween(r, p)).ToArray())).ToArray();
        TopologyAssert.Equal(expected, RankDescriptor.ToTopology(descriptors));
        descriptors[1] = descriptors[1] with { Row = [LinkClass.SharedMemory, LinkClass.Self] };
        Assert.Contains("Rank 1 described links to 2 ranks; the job has 3", Assert.Throws<ArgumentException>(() => RankDescriptor.ToTopology(descriptors)).Message);
    }

    [Fact]
    public void AStringTooLongForItsLengthByteIsRefusedWhenEncoding()
    {
        var descriptor = new RankDescriptor(new RankPlacement(0, new string('h', 255), "h"), [LinkClass.Self]);
        Assert.Throws<ArgumentException>(descriptor.Encode);
    }

    [Fact]
    public void EveryTruncationIsRejectedWithAReason()
    {
        byte[] bytes = Sample().Encode();
        for (int length = 0; length < bytes.Length; length++)
        {
            Assert.False(RankDescriptor.TryDecode(bytes.AsSpan(0, length), out RankDescriptor? decoded, out string error), $"a {length}-byte prefix was accepted");
            Assert.Null(decoded);
            Assert.False(string.IsNullOrWhiteSpace(error));
        }
        Assert.False(RankDescriptor.TryDecode([.. bytes, 0], out _, out string extra));
        Assert.Contains("row length", extra);
    }

    [Fact]
    public void EveryBitFlipDecodesOrFailsWithAReason()
    {
        byte[] bytes = Sample().Encode();
        int rejected = 0;
        for (int bit = 0; bit < bytes.Length * 8; bit++)
        {
            byte[] flipped = (byte[])bytes.Clone();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            rejected += DecodeAnything(flipped) ? 0 : 1;
        }
        // Flips in numbers and string contents can leave a valid descriptor; flips in versions, lengths and classes must not.
        Assert.InRange(rejected, 1, (bytes.Length * 8) - 1);
    }

    [Fact]
    public void MalformedFieldsAreNamed()
    {
        byte[] bytes = Sample().Encode();
        byte[] version = (byte[])bytes.Clone();
        version[0] = 9;
        Assert.False(RankDescriptor.TryDecode(version, out _, out string error));
        Assert.Contains("version 9", error);

        byte[] badClass = (byte[])bytes.Clone();
        badClass[^1] = 200;
        Assert.False(RankDescriptor.TryDecode(badClass, out _, out error));
        Assert.Contains("link class 200", error);

        byte[] badRank = (byte[])bytes.Clone();
        BinaryPrimitives.WriteInt32LittleEndian(badRank.AsSpan(1), 4);
        Assert.False(RankDescriptor.TryDecode(badRank, out _, out error));
        Assert.Contains("rank 4 with a row of 4", error);

        var nullHost = new List<byte> { RankDescriptor.Version };
        nullHost.AddRange(new byte[16]);
        nullHost.AddRange([255, 1, (byte)'h', 255, 255, 1, 0, 0, 0, 0]);
        Assert.False(RankDescriptor.TryDecode(nullHost.ToArray(), out _, out error));
        Assert.Contains("without a host id", error);

        byte[] badUtf8 = (byte[])bytes.Clone();
        badUtf8[1 + 16 + 1] = 0xFF;
        Assert.False(RankDescriptor.TryDecode(badUtf8, out _, out error));
        Assert.Contains("strings", error);

        byte[] hugeRow = (byte[])bytes.Clone();
        BinaryPrimitives.WriteInt32LittleEndian(hugeRow.AsSpan(bytes.Length - 4 - 4), int.MaxValue);
        Assert.False(RankDescriptor.TryDecode(hugeRow, out _, out error));
        Assert.Contains("row length", error);
    }

    [Fact]
    public void ArbitraryBytesNeverThrow()
    {
        Prop.ForAll(ArbMap.Default.ArbFor<byte[]>(), bytes =>
        {
            DecodeAnything(bytes);
            // Behind a valid version byte the decoder gets past its first check.
            DecodeAnything([RankDescriptor.Version, .. bytes]);
            return true;
        }).QuickCheckThrowOnFailure();
        var random = new Random(11);
        for (int i = 0; i < 20_000; i++)
        {
            byte[] bytes = new byte[random.Next(0, 80)];
            random.NextBytes(bytes);
            if (bytes.Length > 0)
            {
                bytes[0] = RankDescriptor.Version;
            }
            DecodeAnything(bytes);
        }
    }

    private static bool DecodeAnything(byte[] bytes)
    {
        bool ok = RankDescriptor.TryDecode(bytes, out RankDescriptor? decoded, out string error);
        Assert.Equal(ok, decoded is not null);
        Assert.True(ok ? error.Length == 0 : !string.IsNullOrWhiteSpace(error), $"ok={ok}, error='{error}'");
        return ok;
    }
}
