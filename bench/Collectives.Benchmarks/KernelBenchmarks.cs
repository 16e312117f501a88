using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using Collectives.Kernels;

namespace Collectives.Benchmarks;

/// <summary>
/// Reduction kernels against the in-place <see cref="TensorPrimitives.Add(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>
/// and <see cref="Span{T}.CopyTo"/> on the same two buffers. <c>Bytes</c> is the size of one array.
/// Compare with membw (bench/kernels.sh runs both): its "add" is the same in-place float32 sum in C.
/// </summary>
[Config(typeof(KernelBenchmarkConfig))]
public unsafe class KernelBenchmarks
{
    // Page-aligned like membw's aligned_alloc(4096, ...), so no side starts with a split vector.
    private const nuint BufferAlignment = 4096;

    private byte* _dst;
    private byte* _src;

    [Params(4 << 10, 64 << 10, 1 << 20, 16 << 20, 256 << 20)]
    public int Bytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _dst = (byte*)NativeMemory.AlignedAlloc((nuint)Bytes, BufferAlignment);
        _src = (byte*)NativeMemory.AlignedAlloc((nuint)Bytes, BufferAlignment);
        // Touch every page now; values as in membw (dst 0, src 1.0f) keep every type finite.
        Span<float>(_dst).Clear();
        Span<float>(_src).Fill(1.0f);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        NativeMemory.AlignedFree(_dst);
        NativeMemory.AlignedFree(_src);
    }

    [Benchmark(Description = "f32 sum (ours)")]
    [TouchedBytes(3)]
    public void Float32Sum() => ReductionKernels.Reduce(ReduceOp.Sum, Span<float>(_src), Span<float>(_dst));

    [Benchmark(Description = "f32 add (TensorPrimitives)", Baseline = true)]
    [TouchedBytes(3)]
    public void TensorPrimitivesAdd()
    {
        Span<float> dst = Span<float>(_dst);
        TensorPrimitives.Add(dst, Span<float>(_src), dst);
    }

    [Benchmark(Description = "bf16 sum (ours)")]
    [TouchedBytes(3)]
    public void BFloat16Sum() => ReductionKernels.Reduce(ReduceOp.Sum, Span<BFloat16>(_src), Span<BFloat16>(_dst));

    [Benchmark(Description = "i32 sum (ours)")]
    [TouchedBytes(3)]
    public void Int32Sum() => ReductionKernels.Reduce(ReduceOp.Sum, Span<int>(_src), Span<int>(_dst));

    [Benchmark(Description = "f32 max (ours)")]
    [TouchedBytes(3)]
    public void Float32Max() => ReductionKernels.Reduce(ReduceOp.Max, Span<float>(_src), Span<float>(_dst));

    [Benchmark(Description = "copy (Span.CopyTo)")]
    [TouchedBytes(2)]
    public void CopyTo() => Span<byte>(_src).CopyTo(Span<byte>(_dst));

    private Span<T> Span<T>(byte* buffer)
        where T : unmanaged => new(buffer, Bytes / sizeof(T));
}
