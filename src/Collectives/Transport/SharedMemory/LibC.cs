using System.Runtime.InteropServices;

namespace Collectives.Transport.SharedMemory;

/// <summary>
/// The few libc calls the shared-memory transport needs, Linux only: files in /dev/shm, shared
/// mappings, process liveness and the futex. Errors come back as -1 with errno in
/// <see cref="Marshal.GetLastPInvokeError"/>; callers turn them into exceptions that say what failed.
/// </summary>
internal static unsafe partial class LibC
{
    public const int ReadOnly = 0x0;
    public const int ReadWrite = 0x2;
    public const int Create = 0x40;
    public const int Exclusive = 0x80;
    public const int CloseOnExec = 0x80000;

    public const int ProtectRead = 0x1;
    public const int ProtectWrite = 0x2;
    public const int MapShared = 0x1;

    public const int SeekEnd = 2;

    /// <summary>MADV_REMOVE: free a shared mapping's pages and their tmpfs backing; the range stays mapped (fresh zero pages).</summary>
    public const int AdviseRemove = 9;

    public const int ErrorNoEntry = 2;   // ENOENT
    public const int ErrorNoProcess = 3; // ESRCH
    public const int ErrorExists = 17;   // EEXIST

    private const string Library = "libc";

    [LibraryImport(Library, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags, int mode);

    [LibraryImport(Library, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(Library, EntryPoint = "ftruncate", SetLastError = true)]
    public static partial int FTruncate(int fd, long length);

    [LibraryImport(Library, EntryPoint = "lseek", SetLastError = true)]
    public static partial long LSeek(int fd, long offset, int whence);

    [LibraryImport(Library, EntryPoint = "mmap", SetLastError = true)]
    public static partial void* MMap(void* address, nuint length, int protection, int flags, int fd, long offset);

    [LibraryImport(Library, EntryPoint = "munmap", SetLastError = true)]
    public static partial int MUnmap(void* address, nuint length);

    [LibraryImport(Library, EntryPoint = "madvise", SetLastError = true)]
    public static partial int MAdvise(void* address, nuint length, int advice);

    [LibraryImport(Library, EntryPoint = "unlink", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Unlink(string path);

    [LibraryImport(Library, EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    /// <summary>syscall(2) with the futex argument list; variadic in C, plain integer registers on x64 and arm64.</summary>
    [LibraryImport(Library, EntryPoint = "syscall", SetLastError = true)]
    public static partial long FutexSyscall(long number, int* address, int operation, int value, Timespec* timeout, int* address2, int value3);

    [StructLayout(LayoutKind.Sequential)]
    public struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    /// <summary>errno of the last call, as text for messages ("No such file or directory").</summary>
    public static string LastErrorText(out int errno)
    {
        errno = Marshal.GetLastPInvokeError();
        return Marshal.GetPInvokeErrorMessage(errno);
    }
}
