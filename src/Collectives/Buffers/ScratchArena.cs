namespace Collectives.Buffers;

/// <summary>
/// Temporary buffers an algorithm needs beside the caller's (partial sums that must not land
/// in a read-only input, an in-place all-to-all's incoming blocks). Kept between calls so a
/// training loop does not allocate every step; grown by doubling. Each buffer comes from
/// <see cref="AlignedMemory"/>, so socket receives into it never start mid cache line.
/// </summary>
internal sealed class ScratchArena
{
    /// <summary>Distinct buffers one algorithm may hold at once.</summary>
    public const int Slots = 5;

    private readonly Memory<byte>[] _buffers = new Memory<byte>[Slots];

    /// <summary>A buffer of exactly <paramref name="bytes"/> bytes; contents are undefined.</summary>
    public Memory<byte> Get(int slot, int bytes)
    {
        Memory<byte> buffer = _buffers[slot];
        if (buffer.Length < bytes)
        {
            int size = Math.Max(bytes, (int)Math.Min(Array.MaxLength - AlignedMemory.PageBytes, 2L * buffer.Length));
            buffer = AlignedMemory.Allocate<byte>(size);
            _buffers[slot] = buffer;
        }
        return buffer[..bytes];
    }

    /// <summary>Lets the buffers go (the communicator is closing).</summary>
    public void Release()
    {
        Array.Clear(_buffers);
    }
}
