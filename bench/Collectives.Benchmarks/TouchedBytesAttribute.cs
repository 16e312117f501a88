namespace Collectives.Benchmarks;

/// <summary>
/// How many bytes of memory one operation touches, as a multiple of the benchmark's buffer size:
/// 3 for an in-place reduction (read dst, read src, write dst), 2 for a copy. Read by
/// <see cref="TouchedThroughputColumn"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class TouchedBytesAttribute(int buffersTouched) : Attribute
{
    public int BuffersTouched { get; } = buffersTouched;
}
