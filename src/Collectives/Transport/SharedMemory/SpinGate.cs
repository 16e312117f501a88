namespace Collectives.Transport.SharedMemory;

/// <summary>
/// A lock for very short critical sections that never block (a ring's read position and lends):
/// one compare-exchange to enter and a plain store to leave, about half the cost of an
/// uncontended <c>lock</c>, which matters twice per frame. Contention is rare (a frame disposed
/// on one thread while the next receive runs on another) and waits with <see cref="SpinWait"/>,
/// which yields and then sleeps. A field of its owner; always used by reference.
/// </summary>
internal struct SpinGate
{
    private int _held;

    public void Enter()
    {
        if (Interlocked.CompareExchange(ref _held, 1, 0) != 0)
        {
            EnterContended();
        }
    }

    public void Exit() => Volatile.Write(ref _held, 0);

    private void EnterContended()
    {
        var spinner = new SpinWait();
        do
        {
            spinner.SpinOnce();
        }
        while (Volatile.Read(ref _held) != 0 || Interlocked.CompareExchange(ref _held, 1, 0) != 0);
    }
}
