namespace Collectives.Tests.Buffers;

/// <summary>AlignedMemory hands out zeroed, pinned memory exactly where it was asked to start.</summary>
public sealed class AlignedMemoryTests
{
    [Theory]
    [InlineData(1, 0)]
    [InlineData(1000, 4)]
    [InlineData(1 << 20, 56)]
    [InlineData(16 << 20, 0)]
    [InlineData(3, 4092)]
    public void StartsAtTheOffsetPastAPageWithTheCountAskedFor(int count, int offsetBytes)
    {
        Memory<float> memory = AlignedMemory.Allocate<float>(count, offsetBytes);

        Assert.Equal(count, memory.Length);
        Assert.Equal(offsetBytes, PageOffset(memory));
        Assert.True(memory.Span.IndexOfAnyExcept(0f) < 0, "the memory starts zeroed");
    }

    [Fact]
    public void WideAndNarrowElementsAlike()
    {
        Assert.Equal(0, PageOffset(AlignedMemory.Allocate<double>(999)));
        Assert.Equal(24, PageOffset(AlignedMemory.Allocate<long>(999, 24)));
        Assert.Equal(1, PageOffset(AlignedMemory.Allocate<byte>(5000, 1)));
    }

    [Fact]
    public void AnEmptyBufferIsFine() => Assert.True(AlignedMemory.Allocate<int>(0).IsEmpty);

    [Theory]
    [InlineData(-1, 0)]
    [InlineData(10, -4)]
    [InlineData(10, 4096)]
    [InlineData(10, 6)]
    public void BadArgumentsSayWhatIsAllowed(int count, int offsetBytes)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => AlignedMemory.Allocate<float>(count, offsetBytes));
        if (count >= 0)
        {
            Assert.Contains("multiple of the element size (4 bytes) from 0 to 4095", error.Message, StringComparison.Ordinal);
        }
    }

    private static unsafe long PageOffset<T>(Memory<T> memory)
        where T : unmanaged
    {
        fixed (T* start = memory.Span)
        {
            return (long)start % AlignedMemory.PageBytes;
        }
    }
}
