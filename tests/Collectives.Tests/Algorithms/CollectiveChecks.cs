using Collectives.Tests.Harness;

namespace Collectives.Tests.Algorithms;

/// <summary>Runs one collective on a group for every element type and op, out of place and in place, and checks every rank.</summary>
internal sealed class CollectiveChecks(Communicator[] group)
{
    private int Size => group.Length;

    public async Task AllTypesAsync(string collective, int count)
    {
        await ForType<float>(collective, count);
        await ForType<double>(collective, count);
        await ForType<Half>(collective, count);
        await ForType<BFloat16>(collective, count);
        await ForType<sbyte>(collective, count);
        await ForType<byte>(collective, count);
        await ForType<int>(collective, count);
        await ForType<uint>(collective, count);
        await ForType<long>(collective, count);
        await ForType<ulong>(collective, count);
    }

    private async Task ForType<T>(string collective, int count)
        where T : unmanaged
    {
        switch (collective)
        {
            case "allreduce":
                foreach (ReduceOp op in TestInputs.OpsFor<T>())
                {
                    await AllReduce<T>(op, count);
                }
                break;
            case "reducescatter":
                foreach (ReduceOp op in TestInputs.OpsFor<T>())
                {
                    await ReduceScatter<T>(op, count);
                }
                break;
            case "reduce":
                foreach (ReduceOp op in TestInputs.OpsFor<T>())
                {
                    foreach (int root in Roots(count))
                    {
                        await Reduce<T>(op, count, root);
                    }
                }
                break;
            case "allgather":
                await AllGather<T>(count);
                break;
            case "broadcast":
                foreach (int root in Roots(count))
                {
                    await Broadcast<T>(count, root);
                }
                break;
            case "alltoall":
                await AllToAll<T>(count);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(collective), collective, null);
        }
    }

    /// <summary>Roots at both ends and the middle; one (the middle) for the large count, to keep the run short.</summary>
    private IEnumerable<int> Roots(int count) =>
        count >= CollectiveCorrectnessTests.Large / Size ? [Size / 2] : new[] { 0, Size - 1, Size / 2 }.Distinct();

    private async Task AllReduce<T>(ReduceOp op, int count)
        where T : unmanaged
    {
        string what = $"AllReduce<{typeof(T).Name}>({op}, count {count}, {Size} ranks)";
        T[] expected = TestInputs.Reduced<T>(op, Size, count);
        T[][] inputs = Each(r => TestInputs.Input<T>(op, r, count));
        T[][] outputs = Each(_ => Poisoned<T>(count));
        await RankRunner.RunAsync(group, c => c.AllReduceAsync<T>(inputs[c.Rank], outputs[c.Rank], op).AsTask());
        for (int r = 0; r < Size; r++)
        {
            ElementType.AssertBitsEqual<T>(expected, outputs[r], $"{what} out of place, rank {r}");
            ElementType.AssertBitsEqual<T>(TestInputs.Input<T>(op, r, count), inputs[r], $"{what} input of rank {r} changed");
        }
        await RankRunner.RunAsync(group, c => c.AllReduceAsync<T>(inputs[c.Rank], op).AsTask());
        for (int r = 0; r < Size; r++)
        {
            ElementType.AssertBitsEqual<T>(expected, inputs[r], $"{what} in place, rank {r}");
        }
    }

    private async Task ReduceScatter<T>(ReduceOp op, int blockCount)
        where T : unmanaged
    {
        string what = $"ReduceScatter<{typeof(T).Name}>({op}, block {blockCount}, {Size} ranks)";
        int total = blockCount * Size;
        T[] reduced = TestInputs.Reduced<T>(op, Size, total);
        T[][] inputs = Each(r => TestInputs.Input<T>(op, r, total));
        T[][] outputs = Each(_ => Poisoned<T>(blockCount));
        await RankRunner.RunAsync(group, c => c.ReduceScatterAsync<T>(inputs[c.Rank], outputs[c.Rank], op).AsTask());
        for (int r = 0; r < Size; r++)
        {
            ElementType.AssertBitsEqual<T>(reduced.AsSpan(r * blockCount, blockCount), outputs[r], $"{what} out of place, rank {r}");
        }
        await RankRunner.RunAsync(group, c =>
            c.ReduceScatterAsync<T>(inputs[c.Rank], inputs[c.Rank].AsMemory(c.Rank * blockCount, blockCount), op).AsTask());
        for (int r = 0; r < Size; r++)
        {
            ElementType.AssertBitsEqual<T>(reduced.AsSpan(r * blockCount, blockCount), inputs[r].AsSpan(r * blockCount, blockCount),
                $"{what} in place, rank {r}");
        }
    }

    private async Task Reduce<T>(ReduceOp op, int count, int root)
        where T : unmanaged
    {
        string what = $"Reduce<{typeof(T).Name}>({op}, count {count}, root {root}, {Size} ranks)";
        T[] expected = TestInputs.Reduced<T>(op, Size, count);
        T[][] inputs = Each(r => TestInputs.Input<T>(op, r, count));
        T[][] outputs = Each(_ => Poisoned<T>(count));
        await RankRunner.RunAsync(group, c => c.ReduceAsync<T>(inputs[c.Rank], outputs[c.Rank], op, root).AsTask());
        ElementType.AssertBitsEqual<T>(expected, outputs[root], $"{what} out of place at the root");
        for (int r = 0; r < Size; r++)
        {
            ElementType.AssertBitsEqual<T>(TestInputs.Input<T>(op, r, count), inputs[r], $"{what} input of rank {r} changed");
            if (r != root)
            {
                ElementType.AssertBitsEqual<T>(Poisoned<T>(count), outputs[r], $"{what} output of non-root rank {r} was touched");
            }
        }
        await RankRunner.RunAsync(group, c => c.ReduceAsync<T>(inputs[c.Rank], inputs[c.Rank], op, root).AsTask());
        ElementType.AssertBitsEqual<T>(expected, inputs[root], $"{what} in place at the root");
    }

    private async Task AllGather<T>(int blockCount)
        where T : unmanaged
    {
        string what = $"AllGather<{typeof(T).Name}>(block {blockCount}, {Size} ranks)";
        T[] expected = Concat(r => TestInputs.PayloadInput<T>(r, blockCount));
        T[][] inputs = Each(r => TestInputs.PayloadInput<T>(r, blockCount));
        T[][] outputs = Each(_ => Poisoned<T>(blockCount * Size));
        await RankRunner.RunAsync(group, c => c.AllGatherAsync<T>(inputs[c.Rank], outputs[c.Rank]).AsTask());
        for (int r = 0; r < Size; r++)
        {
            ElementType.AssertBitsEqual<T>(expected, outputs[r], $"{what} out of place, rank {r}");
        }
        T[][] buffers = Each(r =>
        {
            T[] buffer = Poisoned<T>(blockCount * Size);
            inputs[r].CopyTo(buffer, r * blockCount);
            return buffer;
        });
        await RankRunner.RunAsync(group, c =>
            c.AllGatherAsync<T>(buffers[c.Rank].AsMemory(c.Rank * blockCount, blockCount), buffers[c.Rank]).AsTask());
        for (int r = 0; r < Size; r++)
        {
            ElementType.AssertBitsEqual<T>(expected, buffers[r], $"{what} in place, rank {r}");
        }
    }

    private async Task Broadcast<T>(int count, int root)
        where T : unmanaged
    {
        string what = $"Broadcast<{typeof(T).Name}>(count {count}, root {root}, {Size} ranks)";
        T[] expected = TestInputs.PayloadInput<T>(root, count);
        T[][] buffers = Each(r => r == root ? TestInputs.PayloadInput<T>(r, count) : Poisoned<T>(count));
        await RankRunner.RunAsync(group, c => c.BroadcastAsync<T>(buffers[c.Rank], root).AsTask());
        for (int r = 0; r < Size; r++)
        {
            ElementType.AssertBitsEqual<T>(expected, buffers[r], $"{what}, rank {r}");
        }
    }

    private async Task AllToAll<T>(int blockCount)
        where T : unmanaged
    {
        string what = $"AllToAll<{typeof(T).Name}>(block {blockCount}, {Size} ranks)";
        int total = blockCount * Size;
        T[][] inputs = Each(r => TestInputs.PayloadInput<T>(r, total));
        // Rank r's block i comes from block r of rank i's input.
        T[][] expected = Each(r =>
        {
            var result = new T[total];
            for (int i = 0; i < Size; i++)
            {
                Array.Copy(inputs[i], r * blockCount, result, i * blockCount, blockCount);
            }
            return result;
        });
        T[][] outputs = Each(_ => Poisoned<T>(total));
        await RankRunner.RunAsync(group, c => c.AllToAllAsync<T>(inputs[c.Rank], outputs[c.Rank]).AsTask());
        for (int r = 0; r < Size; r++)
        {
            ElementType.AssertBitsEqual<T>(expected[r], outputs[r], $"{what} out of place, rank {r}");
        }
        await RankRunner.RunAsync(group, c => c.AllToAllAsync<T>(inputs[c.Rank], inputs[c.Rank]).AsTask());
        for (int r = 0; r < Size; r++)
        {
            ElementType.AssertBitsEqual<T>(expected[r], inputs[r], $"{what} in place, rank {r}");
        }
    }

    private T[][] Each<T>(Func<int, T[]> make) => Enumerable.Range(0, Size).Select(make).ToArray();

    private T[] Concat<T>(Func<int, T[]> block) => Enumerable.Range(0, Size).SelectMany(block).ToArray();

    /// <summary>An output pre-filled with a pattern no correct result has throughout, to catch unwritten elements.</summary>
    private static T[] Poisoned<T>(int count)
        where T : unmanaged
    {
        var result = new T[count];
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(result.AsSpan()).Fill(0xA5);
        return result;
    }
}
