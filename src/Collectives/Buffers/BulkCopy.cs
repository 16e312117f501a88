using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Collectives.Buffers;

/// <summary>
/// Copies frame payloads into and out of a ring. <see cref="Span{T}.CopyTo"/> hands copies above
/// 2 KiB to glibc's memmove, whose <c>rep movsb</c> path (used up to about 512 KiB here) runs
/// 15-25x slower on this machine's AMD cores (1.5-2.7 GB/s against 30-45, measured at 4-384 KiB)
/// when the destination lies 1 to 31 bytes past the source modulo 4 KiB, which for a ring slot and
/// a reused user buffer happens on every copy or never. Those copies take a backward vector loop
/// instead (8-38 GB/s there); every other copy stays with memmove, which is as fast or faster.
/// </summary>
internal static class BulkCopy
{
    /// <summary>Below this <see cref="Span{T}.CopyTo"/> stays in managed code, which has no cliff.</summary>
    private const int MemmoveThreshold = 2048;

    /// <summary>Above this memmove no longer uses <c>rep movsb</c> and is fast at any distance (measured: 30+ GB/s from 512 KiB).</summary>
    private const int RepMovsbCeiling = 512 << 10;

    /// <summary>Destinations this far past the source (modulo 4 KiB) hit the cliff; measured 1..31, with margin.</summary>
    private const int CloseDistance = 64;

    public static void Copy(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        if (IsSameMemory(source, destination))
        {
            return;
        }
        ref byte from = ref MemoryMarshal.GetReference(source);
        ref byte to = ref MemoryMarshal.GetReference(destination);
        long distance = (long)Unsafe.ByteOffset(ref from, ref to) & 4095;
        if (source.Length < MemmoveThreshold || source.Length >= RepMovsbCeiling || distance is 0 or >= CloseDistance ||
            !Vector256.IsHardwareAccelerated)
        {
            source.CopyTo(destination);
            return;
        }
        if (destination.Length < source.Length)
        {
            ThrowDestinationTooShort();
        }
        Copy256(ref from, ref to, (nuint)source.Length);
    }

    /// <summary>
    /// Copies from the end towards the start. With the destination just past the source modulo
    /// 4 KiB, a forward loop's next loads share their page offset with the stores just issued
    /// (a false dependency each time); going backwards they are a page apart. Ranges must not
    /// overlap (a ring and a user buffer never do); at least one vector long.
    /// </summary>
    private static void Copy256(ref byte source, ref byte destination, nuint length)
    {
        nuint size = (nuint)Vector256<byte>.Count;
        nuint end = length;
        while (end >= 4 * size)
        {
            end -= 4 * size;
            Vector256<byte> a = Vector256.LoadUnsafe(ref source, end + (3 * size));
            Vector256<byte> b = Vector256.LoadUnsafe(ref source, end + (2 * size));
            Vector256<byte> c = Vector256.LoadUnsafe(ref source, end + size);
            Vector256<byte> d = Vector256.LoadUnsafe(ref source, end);
            a.StoreUnsafe(ref destination, end + (3 * size));
            b.StoreUnsafe(ref destination, end + (2 * size));
            c.StoreUnsafe(ref destination, end + size);
            d.StoreUnsafe(ref destination, end);
        }
        while (end >= size)
        {
            end -= size;
            Vector256.LoadUnsafe(ref source, end).StoreUnsafe(ref destination, end);
        }
        if (end > 0)
        {
            // The first vector overlaps bytes already copied instead of a scalar head.
            Vector256.LoadUnsafe(ref source).StoreUnsafe(ref destination);
        }
    }

    /// <summary>
    /// Whether the copy would move bytes onto themselves: an in-place call's own block (an
    /// all-gather whose input is its block of the output). Skipped, since the bytes are already
    /// there: a streaming copy onto itself still reads and rewrites every line and evicts it from
    /// the cache, which made 64 MiB in-place all-gathers over shared memory as slow as out-of-place ones.
    /// </summary>
    private static bool IsSameMemory(ReadOnlySpan<byte> source, Span<byte> destination) =>
        destination.Length >= source.Length &&
        Unsafe.AreSame(ref MemoryMarshal.GetReference(source), ref MemoryMarshal.GetReference(destination));

    /// <summary>
    /// Largest copy <see cref="CopyReadSoon"/> makes with ordinary stores. Measured on 2 ranks over
    /// shared memory (32 MiB L3 shared by both ranks): for the all-gather's own block, ordinary
    /// stores were 1.3-1.8x faster for 1-2 MiB blocks and level at 4 MiB, streaming stores
    /// 1.1-1.3x faster for 8 and 16 MiB blocks, where the block no longer stays cached until it
    /// is read; for received blocks, 2 and 4 MiB all-reduces in place ran 1.5-2x faster with
    /// ordinary stores (the next call sends what the last one received).
    /// </summary>
    public const int ReadSoonCacheLimit = 4 << 20;

    /// <summary>
    /// Copies a block that is read again soon: an all-gather's own block (sent in its first
    /// step), a received block a ring forwards in its next step, a result the next in-place call
    /// sends or the caller reads. Ordinary stores while the block fits in cache, so the next read
    /// finds it there; streaming stores above <see cref="ReadSoonCacheLimit"/>, where it would be
    /// evicted first anyway and skipping the read-for-ownership pays. Streaming every such copy
    /// left the next read fetching a freshly evicted block: a 4 MiB all-gather over shared
    /// memory took 547-780 µs against 346-567 µs (eight runs each).
    /// </summary>
    public static void CopyReadSoon(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        if (source.Length <= ReadSoonCacheLimit)
        {
            Copy(source, destination);
        }
        else
        {
            CopyStreaming(source, destination);
        }
    }

    /// <summary>Below this a streaming copy is an ordinary one: the destination likely still fits in cache.</summary>
    public const int StreamingThreshold = 1 << 20;

    /// <summary>
    /// Copies into a destination nobody reads soon, or too large to stay cached until it is read
    /// (a block packed for later, a received block of many MiB), with non-temporal stores. An
    /// ordinary store to a line that is not cached first reads it (read-for-ownership), so a
    /// DRAM-bound copy moves three bytes per byte copied; streaming stores skip that read. Small
    /// copies and machines without AVX take <see cref="Copy"/>. Ends with a store fence, so
    /// whatever the caller publishes next is ordered after the data.
    /// </summary>
    public static unsafe void CopyStreaming(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        if (source.Length < StreamingThreshold || !Avx.IsSupported || IsSameMemory(source, destination))
        {
            Copy(source, destination);
            return;
        }
        if (destination.Length < source.Length)
        {
            ThrowDestinationTooShort();
        }
        fixed (byte* from = source)
        fixed (byte* to = destination)
        {
            nuint length = (nuint)source.Length;
            nuint size = (nuint)Vector256<byte>.Count;
            // An ordinary store up to the first 32-byte boundary, then aligned streaming stores.
            nuint head = (size - ((nuint)to & (size - 1))) & (size - 1);
            Vector256.Load(from).Store(to);
            nuint at = head;
            for (; at + (4 * size) <= length; at += 4 * size)
            {
                Vector256<byte> a = Vector256.Load(from + at);
                Vector256<byte> b = Vector256.Load(from + at + size);
                Vector256<byte> c = Vector256.Load(from + at + (2 * size));
                Vector256<byte> d = Vector256.Load(from + at + (3 * size));
                Avx.StoreAlignedNonTemporal(to + at, a);
                Avx.StoreAlignedNonTemporal(to + at + size, b);
                Avx.StoreAlignedNonTemporal(to + at + (2 * size), c);
                Avx.StoreAlignedNonTemporal(to + at + (3 * size), d);
            }
            for (; at + size <= length; at += size)
            {
                Avx.StoreAlignedNonTemporal(to + at, Vector256.Load(from + at));
            }
            // The last vector overlaps bytes already copied instead of a scalar tail.
            Vector256.Load(from + length - size).Store(to + length - size);
            Sse.StoreFence();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowDestinationTooShort() =>
        throw new ArgumentException("The destination is shorter than the source.", "destination");
}
