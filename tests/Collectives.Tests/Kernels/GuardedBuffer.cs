using System.Runtime.CompilerServices;

namespace Collectives.Tests.Kernels;

/// <summary>
/// A test buffer placed at a chosen byte offset from a 64-byte boundary, surrounded by guard bytes
/// that must survive every kernel call (a write past either end shows up as a changed guard).
/// The array is pinned so the alignment a test asks for stays true for the whole call.
/// </summary>
public sealed unsafe class GuardedBuffer
{
    public const byte Pattern = 0xA5;
    private const int GuardBytes = 64;
    private const int Alignment = 64;

    private readonly byte[] _array;
    private readonly int _alignedBase;
    private int _start;
    private int _length;

    public GuardedBuffer(int capacityBytes)
    {
        _array = GC.AllocateUninitializedArray<byte>(Alignment + GuardBytes + Alignment + capacityBytes + GuardBytes, pinned: true);
        nint address = (nint)Unsafe.AsPointer(ref _array[0]);
        _alignedBase = (int)((Alignment - (address & (Alignment - 1))) & (Alignment - 1)) + GuardBytes;
        _start = _alignedBase;
        _array.AsSpan().Fill(Pattern);
    }

    public Span<byte> Span => _array.AsSpan(_start, _length);

    /// <summary>Places the payload <paramref name="offset"/> bytes past a 64-byte boundary and fills it with <paramref name="contents"/>.</summary>
    public Span<byte> Reset(int offset, ReadOnlySpan<byte> contents)
    {
        _start = _alignedBase + offset;
        _length = contents.Length;
        int end = _start + _length + GuardBytes;
        _array.AsSpan(0, Math.Min(end, _array.Length)).Fill(Pattern);
        contents.CopyTo(Span);
        return Span;
    }

    public void AssertGuardsIntact(string context)
    {
        ResultAssert.Untouched(_array.AsSpan(0, _start), Pattern, context + " (before the buffer)");
        int after = _start + _length;
        ResultAssert.Untouched(_array.AsSpan(after, Math.Min(GuardBytes, _array.Length - after)), Pattern, context + " (after the buffer)");
    }
}
