namespace Collectives.Buffers;

/// <summary>
/// Temporary buffers an algorithm needs beside the caller's (partial sums that must not land
/// in a read-only input, an in-place all-to-all's incoming blocks). Kept between calls so a
/// training loop does not allocate every step; grown by doubling. Each buffer starts on a page
/// boundary, pinned: socket and shared-memory copies into a buffer that starts mid cache line
/// run slower (the kernel's copy and our kernels split lines), and where a GC array starts is
/// otherwise chance.
/// </summary>
internal sealed class ScratchArena
{
    /// <summary>Distinct buffers one algorithm may hold at once.</summary>
    public const int Slots = 5;

    private const int PageBytes = 4096;

    private readonly Memory<byte>[] _buffers = new Memory<byte>[Slots];

    /// <summary>A buffer of exactly <paramref name="bytes"/> bytes; contents are undefined.</summary>
    public Memory<byte> Get(int slot, int bytes)
    {
        Memory<byte> buffer = _buffers[slot];
        if (buffer.Length < bytes)
        {
            int size = Math.Max(bytes, (int)Math.Min(Array.MaxLength - PageBytes, 2L * buffer.Length));
            buffer = PageAligned(size);
            _buffers[slot] = buffer;
        }
        return buffer[..bytes];
    }

    /// <summary>Lets the buffers go (the communicator is closing).</summary>
    public void Release()
    {
        Array.Clear(_buffers);
    }

    /// <summary><paramref name="bytes"/> bytes of a pinned array, from its first page boundary.</summary>
    private static unsafe Memory<byte> PageAligned(int bytes)
    {
        byte[] array = GC.AllocateUninitializedArray<byte>(bytes + PageBytes, pinned: true);
        long address;
        fixed (byte* start = array)
        {
            address = (long)start;
        }
        int skip = (int)((PageBytes - (address % PageBytes)) % PageBytes);
        return array.AsMemory(skip, bytes);
    }
}
