namespace Collectives.Transport.SharedMemory;

/// <summary>
/// Frames a receiver holds (lent in place, not yet disposed), oldest first. The ring's tail may
/// only pass a frame once it and every older one are released, so frames may be disposed in any
/// order. Bounded: <see cref="SharedMemoryTuning.MaxOutstandingLends"/>. Not thread-safe; the
/// consumer's lock guards it.
/// </summary>
internal sealed class LendQueue
{
    private readonly long[] _starts = new long[SharedMemoryTuning.MaxOutstandingLends];
    private readonly short[] _tokens = new short[SharedMemoryTuning.MaxOutstandingLends];
    private readonly bool[] _released = new bool[SharedMemoryTuning.MaxOutstandingLends];
    private int _first;
    private int _count;
    private short _nextToken;

    public int Count => _count;

    public bool IsFull => _count == _starts.Length;

    /// <summary>Ring position of the oldest frame still held; only valid when <see cref="Count"/> &gt; 0.</summary>
    public long OldestStart => _starts[_first];

    public short Add(long start)
    {
        int slot = (_first + _count) % _starts.Length;
        short token = _nextToken;
        _nextToken = (short)((_nextToken + 1) & short.MaxValue);
        _starts[slot] = start;
        _tokens[slot] = token;
        _released[slot] = false;
        _count++;
        return token;
    }

    /// <summary>Marks the frame lent under <paramref name="token"/> released; false when it is unknown or already released.</summary>
    public bool Release(short token)
    {
        for (int i = 0; i < _count; i++)
        {
            int slot = (_first + i) % _starts.Length;
            if (_tokens[slot] == token && !_released[slot])
            {
                _released[slot] = true;
                while (_count > 0 && _released[_first])
                {
                    _first = (_first + 1) % _starts.Length;
                    _count--;
                }
                return true;
            }
        }
        return false;
    }
}
