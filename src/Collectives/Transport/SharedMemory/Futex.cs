using System.Runtime.InteropServices;

namespace Collectives.Transport.SharedMemory;

/// <summary>
/// FUTEX_WAIT / FUTEX_WAKE on a word of a shared mapping. Not FUTEX_PRIVATE: the sleeper and
/// the waker are different processes, so the kernel must key the wait on the mapped page.
/// </summary>
internal static unsafe class Futex
{
    private const int WaitOperation = 0;
    private const int WakeOperation = 1;

    private static readonly long SyscallNumber = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 202,
        Architecture.Arm64 => 98,
        _ => -1,
    };

    /// <summary>True where the futex system call number is known (x64 and arm64 Linux).</summary>
    public static bool IsSupported => SyscallNumber > 0 && OperatingSystem.IsLinux();

    /// <summary>
    /// Sleeps while <c>*word == expected</c>, at most <paramref name="timeout"/>. Returns at once
    /// when the word already differs; may also return early (a wake, a signal): callers re-check.
    /// </summary>
    public static void Wait(int* word, int expected, TimeSpan timeout)
    {
        long ticks = Math.Max(0, timeout.Ticks);
        var spec = new LibC.Timespec
        {
            Seconds = ticks / TimeSpan.TicksPerSecond,
            Nanoseconds = ticks % TimeSpan.TicksPerSecond * 100,
        };
        LibC.FutexSyscall(SyscallNumber, word, WaitOperation, expected, &spec, null, 0);
    }

    /// <summary>Wakes every thread sleeping on <paramref name="word"/>, in any process.</summary>
    public static void WakeAll(int* word) =>
        LibC.FutexSyscall(SyscallNumber, word, WakeOperation, int.MaxValue, null, null, 0);
}
