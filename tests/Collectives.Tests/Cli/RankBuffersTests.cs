using Collectives.Cli.Perf;
using Collectives.Kernels;

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

    [Fact]
    public void WideElementsKeepTheirAlignment()
    {
        CollectiveLayout[] layouts = [CollectiveLayout.For(CollectiveKind.AllGather, 3 << 20, 3, 8)];
        var buffers = new RankBuffers<double>(layouts, 24);

        Assert.Equal(24, PageOffset(buffers.Send));
        Assert.Equal(24, PageOffset(buffers.Receive));
        buffers.Receive.Span[^1] = 1.5;
        Assert.Equal(1.5, buffers.Receive.Span[^1]);
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
