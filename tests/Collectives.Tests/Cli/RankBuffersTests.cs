using Collectives.Cli.Perf;

namespace Collectives.Tests.Cli;

/// <summary>perf's buffers start where --offset says, past a page boundary, whatever the GC hands out.</summary>
public sealed class RankBuffersTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(8)]
    [InlineData(56)]
    [InlineData(4088)]
    public void EveryBufferStartsAtTheOffsetPastAPage(int offsetBytes)
    {
        // 64 MiB of float: the size whose GC array started 56 bytes past a page.
        CollectiveLayout[] layouts = [CollectiveLayout.For(CollectiveKind.AllReduce, 8, 2, 4), CollectiveLayout.For(CollectiveKind.AllReduce, 64 << 20, 2, 4)];
        var buffers = new RankBuffers<float>(layouts, offsetBytes);

        Assert.Equal(layouts[1].SendCount, buffers.Send.Length);
        Assert.Equal(layouts[1].InPlaceCount, buffers.Receive.Length);
        Assert.Equal(offsetBytes, PageOffset(buffers.Send));
        Assert.Equal(offsetBytes, PageOffset(buffers.Receive));
    }

    private static unsafe long PageOffset<T>(Memory<T> memory)
        where T : unmanaged
    {
        fixed (T* start = memory.Span)
        {
            return (long)start % 4096;
        }
    }
}
