using System.Runtime.InteropServices;
using Collectives.Buffers;

namespace Collectives.Tests.Buffers;

/// <summary>The copy into and out of rings and receive buffers: every length and distance between source and destination (the vector path included) copies exactly.</summary>
public sealed unsafe class BulkCopyTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(16)]
    [InlineData(31)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(2048)]
    public void CopiesExactlyAndNothingElse(int distance)
    {
        const int span = 1 << 20;
        byte* source = (byte*)NativeMemory.AlignedAlloc(span, 4096);
        byte* destination = (byte*)NativeMemory.AlignedAlloc(span + 8192, 4096);
        try
        {
            var random = new Random(distance);
            random.NextBytes(new Span<byte>(source, span));
            foreach (int length in new[] { 0, 1, 100, 2047, 2048, 2049, 2080, 4095, 65537, 131071, (512 << 10) - 1, 512 << 10, 600_001 })
            {
                int start = random.Next(0, 64);
                byte* from = source + start;
                byte* to = destination + 4096 + ((start + distance) % 4096);
                new Span<byte>(destination, span + 8192).Fill(0xA5);
                BulkCopy.Copy(new ReadOnlySpan<byte>(from, length), new Span<byte>(to, length));
                Assert.True(new ReadOnlySpan<byte>(to, length).SequenceEqual(new ReadOnlySpan<byte>(from, length)), $"length {length} differs");
                Assert.True(new ReadOnlySpan<byte>(destination, (int)(to - destination)).IndexOfAnyExcept((byte)0xA5) < 0, $"length {length} wrote before");
                Assert.True(new ReadOnlySpan<byte>(to + length, 64).IndexOfAnyExcept((byte)0xA5) < 0, $"length {length} wrote after");
            }
        }
        finally
        {
            NativeMemory.AlignedFree(source);
            NativeMemory.AlignedFree(destination);
        }
    }

    [Theory]
    [InlineData(100)]
    [InlineData(4096)]
    [InlineData(600_001)]
    [InlineData((1 << 20) + 3)]
    [InlineData(4 << 20)]
    public void CopyingOntoItselfLeavesTheBytesAndTheirNeighboursAlone(int length)
    {
        // An in-place call's own block (an all-gather's input is its block of the output) is a copy onto itself.
        byte[] buffer = new byte[length + 128];
        new Random(length).NextBytes(buffer);
        byte[] before = buffer.ToArray();
        Span<byte> block = buffer.AsSpan(64, length);

        BulkCopy.Copy(block, block);
        BulkCopy.CopyStreaming(block, block);
        BulkCopy.CopyReadSoon(block, block);

        Assert.Equal(before, buffer);
    }

    [Fact]
    public void ADestinationShorterThanTheSourceIsRefusedEvenAtTheSameAddress()
    {
        byte[] buffer = new byte[(2 << 20) + 64];
        Assert.ThrowsAny<ArgumentException>(() => BulkCopy.Copy(buffer.AsSpan(0, 4096), buffer.AsSpan(0, 4095)));
        Assert.ThrowsAny<ArgumentException>(() => BulkCopy.CopyStreaming(buffer.AsSpan(0, 2 << 20), buffer.AsSpan(0, (2 << 20) - 1)));
    }

    [Theory]
    [InlineData(3000)]
    [InlineData(BulkCopy.ReadSoonCacheLimit)]
    [InlineData(BulkCopy.ReadSoonCacheLimit + 100)]
    public void ACopyReadSoonCopiesExactlyOnEitherSideOfTheCacheLimit(int length)
    {
        byte[] source = new byte[length];
        new Random(length).NextBytes(source);
        byte[] destination = new byte[length + 64];
        Array.Fill(destination, (byte)0xA5);

        BulkCopy.CopyReadSoon(source, destination.AsSpan(32, length));

        Assert.True(destination.AsSpan(32, length).SequenceEqual(source));
        Assert.True(destination.AsSpan(0, 32).IndexOfAnyExcept((byte)0xA5) < 0 && destination.AsSpan(32 + length).IndexOfAnyExcept((byte)0xA5) < 0);
    }
}
