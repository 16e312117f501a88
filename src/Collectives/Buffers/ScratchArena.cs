namespace Collectives.Buffers;

/// <summary>
/// Temporary buffers an algorithm needs beside the caller's (partial sums that must not land
/// in a read-only input, an in-place all-to-all's incoming blocks). Kept between calls so a
/// training loop does not allocate every step; grown by doubling.
/// </summary>
internal sealed class ScratchArena
{
    /// <summary>Distinct buffers one algorithm may hold at once.</summary>
    public const int Slots = 5;

    private readonly byte[][] _buffers = new byte[Slots][];

    public ScratchArena()
    {
        for (int i = 0; i < Slots; i++)
        {
            _buffers[i] = [];
        }
    }

    /// <summary>A buffer of exactly <paramref name="bytes"/> bytes; contents are undefined.</summary>
    public Memory<byte> Get(int slot, int bytes)
    {
        byte[] buffer = _buffers[slot];
        if (buffer.Length < bytes)
        {
            int size = Math.Max(bytes, (int)Math.Min(Array.MaxLength, 2L * buffer.Length));
            buffer = GC.AllocateUninitializedArray<byte>(size);
            _buffers[slot] = buffer;
        }
        return buffer.AsMemory(0, bytes);
    }

    /// <summary>Lets the buffers go (the communicator is closing).</summary>
    public void Release()
    {
        for (int i = 0; i < Slots; i++)
        {
            _buffers[i] = [];
        }
    }
}
