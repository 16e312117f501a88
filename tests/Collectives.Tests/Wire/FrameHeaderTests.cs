using System.Buffers.Binary;
using Collectives.Kernels;
using Collectives.Wire;
using FsCheck;
using FsCheck.Fluent;

namespace Collectives.Tests.Wire;

/// <summary>The frame header codec: round trips, and a parser that rejects every corruption without throwing.</summary>
public sealed class FrameHeaderTests
{
    private static FrameHeader Sample() => new(FrameKind.Data, 0x0123456789ABCDEF, 7, 3, 42,
        new OperationFingerprint(CollectiveKind.AllReduce, DataType.BFloat16, ReduceOp.Max, Algorithm.Tree, 5, 1 << 20),
        4096, 65536);

    private static Arbitrary<FrameHeader> Headers() =>
        (from communicator in ArbMap.Default.GeneratorFor<ulong>()
         from epoch in ArbMap.Default.GeneratorFor<uint>()
         from sender in Gen.Choose(0, int.MaxValue)
         from sequence in ArbMap.Default.GeneratorFor<long>()
         from collective in Gen.Choose(1, 9)
         from type in Gen.Choose(1, 10)
         from op in Gen.Choose(0, 7)
         from algorithm in Gen.Choose(0, 5)
         from root in ArbMap.Default.GeneratorFor<int>()
         from count in Gen.Choose(0, int.MaxValue)
         from offset in Gen.Choose(0, int.MaxValue)
         from length in Gen.Choose(0, FrameHeader.MaxPayloadLength)
         select new FrameHeader(FrameKind.Data, communicator, epoch, sender, sequence,
             new OperationFingerprint((CollectiveKind)collective, (DataType)type, (ReduceOp)op, (Algorithm)algorithm, root, count * 3L),
             offset * 5L, length)).ToArbitrary();

    [Fact]
    public void RoundTripsEveryValidHeader()
    {
        Prop.ForAll(Headers(), header =>
        {
            byte[] bytes = new byte[FrameHeader.Size];
            header.Write(bytes);
            return FrameHeader.TryRead(bytes, out FrameHeader parsed, out FrameHeaderError error)
                && error == FrameHeaderError.None && parsed == header;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void RejectsEverySingleBitFlip()
    {
        byte[] bytes = new byte[FrameHeader.Size];
        Sample().Write(bytes);
        for (int bit = 0; bit < FrameHeader.Size * 8; bit++)
        {
            byte[] flipped = (byte[])bytes.Clone();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.False(FrameHeader.TryRead(flipped, out _, out FrameHeaderError error), $"bit {bit} flipped was accepted");
            Assert.NotEqual(FrameHeaderError.None, error);
        }
    }

    [Fact]
    public void NeverThrowsOnArbitraryBytes()
    {
        Prop.ForAll(ArbMap.Default.ArbFor<byte[]>(), bytes =>
        {
            bool ok = FrameHeader.TryRead(bytes, out _, out FrameHeaderError error);
            return ok == (error == FrameHeaderError.None);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void RandomBytesAreRejected()
    {
        // Fuzz: a million random headers; the checksum alone makes acceptance ~2^-32 each.
        var random = new Random(20261128);
        byte[] bytes = new byte[FrameHeader.Size];
        for (int i = 0; i < 1_000_000; i++)
        {
            random.NextBytes(bytes);
            if (i % 2 == 0)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(bytes, FrameHeader.Magic);
                BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), FrameHeader.ProtocolVersion);
            }
            Assert.False(FrameHeader.TryRead(bytes, out _, out _));
        }
    }

    [Theory]
    [InlineData(0, 4, FrameHeaderError.BadMagic)]
    [InlineData(4, 2, FrameHeaderError.UnsupportedVersion)]
    public void NamesTheFieldThatIsWrong(int offset, int length, FrameHeaderError expected)
    {
        byte[] bytes = new byte[FrameHeader.Size];
        Sample().Write(bytes);
        bytes.AsSpan(offset, length).Fill(0xEE);
        Assert.False(FrameHeader.TryRead(bytes, out _, out FrameHeaderError error));
        Assert.Equal(expected, error);
    }

    [Theory]
    [MemberData(nameof(OutOfRangeFields))]
    public void RejectsOutOfRangeFieldsEvenWithAValidChecksum(FrameHeader header, FrameHeaderError expected)
    {
        byte[] bytes = new byte[FrameHeader.Size];
        header.Write(bytes);
        Assert.False(FrameHeader.TryRead(bytes, out _, out FrameHeaderError error));
        Assert.Equal(expected, error);
    }

    public static TheoryData<FrameHeader, FrameHeaderError> OutOfRangeFields()
    {
        FrameHeader good = Sample();
        return new TheoryData<FrameHeader, FrameHeaderError>
        {
            { good with { Kind = (FrameKind)9 }, FrameHeaderError.BadKind },
            { good with { Fingerprint = good.Fingerprint with { Collective = (CollectiveKind)0 } }, FrameHeaderError.BadCollective },
            { good with { Fingerprint = good.Fingerprint with { DataType = (DataType)11 } }, FrameHeaderError.BadDataType },
            { good with { Fingerprint = good.Fingerprint with { Op = (ReduceOp)8 } }, FrameHeaderError.BadOp },
            { good with { Fingerprint = good.Fingerprint with { Algorithm = (Algorithm)77 } }, FrameHeaderError.BadAlgorithm },
            { good with { Fingerprint = good.Fingerprint with { Count = -1 } }, FrameHeaderError.NegativeCount },
            { good with { ChunkOffset = -5 }, FrameHeaderError.BadChunk },
            { good with { PayloadLength = -1 }, FrameHeaderError.BadChunk },
            { good with { PayloadLength = FrameHeader.MaxPayloadLength + 1 }, FrameHeaderError.PayloadTooLarge },
        };
    }

    [Fact]
    public void TooShortInputIsRejected()
    {
        byte[] bytes = new byte[FrameHeader.Size];
        Sample().Write(bytes);
        Assert.False(FrameHeader.TryRead(bytes.AsSpan(0, FrameHeader.Size - 1), out _, out FrameHeaderError error));
        Assert.Equal(FrameHeaderError.TooShort, error);
    }

    [Fact]
    public void FingerprintDescribesTheCall()
    {
        Assert.Equal("AllReduce(BFloat16 × 1048576, Max, tree)", Sample().Fingerprint.ToString());
        var broadcast = new OperationFingerprint(CollectiveKind.Broadcast, DataType.Float32, ReduceOp.Sum, Algorithm.Ring, 2, 10);
        Assert.Equal("Broadcast(float × 10, root 2, ring)", broadcast.ToString());
    }
}
