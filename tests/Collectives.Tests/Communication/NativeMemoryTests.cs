using System.Runtime.InteropServices;
using Collectives.Tests.Harness;

namespace Collectives.Tests.Communication;

/// <summary>Native buffers go into collectives through <see cref="UnmanagedMemoryManager{T}"/>, without a copy.</summary>
public sealed class NativeMemoryTests
{
    private static unsafe nint Allocate(int bytes) => (nint)NativeMemory.AlignedAlloc((nuint)bytes, 64);

    [Fact]
    public async Task AllReduceWorksOnNativeMemoryInPlace()
    {
        const int count = 100_000;
        Communicator[] group = Communicator.CreateLocalGroup(3, new CommunicatorOptions { Timeout = TimeSpan.FromSeconds(30) });
        nint[] buffers = Enumerable.Range(0, 3).Select(_ => Allocate(count * sizeof(double))).ToArray();
        try
        {
            await RankRunner.RunAsync(group, async c =>
            {
                var manager = new UnmanagedMemoryManager<double>(buffers[c.Rank], count);
                manager.GetSpan().Fill(c.Rank + 1);
                await c.AllReduceAsync(manager.Memory, ReduceOp.Sum);
            });
            foreach (nint buffer in buffers)
            {
                var span = new UnmanagedMemoryManager<double>(buffer, count).GetSpan();
                Assert.All(span.ToArray(), x => Assert.Equal(6.0, x));
            }
        }
        finally
        {
            foreach (nint buffer in buffers)
            {
                unsafe
                {
                    NativeMemory.AlignedFree((void*)buffer);
                }
            }
            await RankRunner.DisposeAllAsync(group);
        }
    }

    [Fact]
    public unsafe void RejectsANullPointerForANonEmptyBuffer()
    {
        Assert.Throws<ArgumentNullException>(() => new UnmanagedMemoryManager<int>((int*)null, 4));
        Assert.Equal(0, new UnmanagedMemoryManager<int>((int*)null, 0).Memory.Length);
    }
}
