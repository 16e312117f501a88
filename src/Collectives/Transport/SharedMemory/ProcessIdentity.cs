using System.Globalization;
using System.Runtime.InteropServices;

namespace Collectives.Transport.SharedMemory;

/// <summary>
/// A process as the kernel knows it: pid, start time (clock ticks since boot, field 22 of
/// /proc/pid/stat) and pid namespace (the inode of /proc/pid/ns/pid). The start time tells a live
/// owner from an unrelated process that got its pid again (pid_max is often 32768); the namespace
/// says whether this process can judge the pid at all (containers sharing /dev/shm but not pids).
/// </summary>
internal readonly record struct ProcessIdentity(int Pid, long StartTime, ulong PidNamespace)
{
    public static ProcessIdentity Current { get; } =
        new(Environment.ProcessId, ReadStartTime(Environment.ProcessId), ReadPidNamespace());

    /// <summary>
    /// False when the process is gone, a zombie, or its pid now belongs to a younger process.
    /// True when in doubt (another pid namespace, /proc hidden): a live peer must never be declared dead.
    /// </summary>
    public bool IsAlive()
    {
        if (Pid <= 0)
        {
            return false;
        }
        if (PidNamespace != 0 && Current.PidNamespace != 0 && PidNamespace != Current.PidNamespace)
        {
            return true;
        }
        if (LibC.Kill(Pid, 0) != 0 && Marshal.GetLastPInvokeError() == LibC.ErrorNoProcess)
        {
            return false;
        }
        if (!TryReadStat(Pid, out char state, out long startTime))
        {
            return true;
        }
        return state is not ('Z' or 'X') && (StartTime == 0 || startTime == StartTime);
    }

    public override string ToString() => Pid.ToString(CultureInfo.InvariantCulture);

    /// <summary>Reads the identity stored at the given offsets of a segment header.</summary>
    public static unsafe ProcessIdentity Read(byte* header, int pidOffset, int startTimeOffset, int namespaceOffset) =>
        new(*(int*)(header + pidOffset), *(long*)(header + startTimeOffset), *(ulong*)(header + namespaceOffset));

    public unsafe void Write(byte* header, int pidOffset, int startTimeOffset, int namespaceOffset)
    {
        *(int*)(header + pidOffset) = Pid;
        *(long*)(header + startTimeOffset) = StartTime;
        *(ulong*)(header + namespaceOffset) = PidNamespace;
    }

    /// <summary>The inode of this process's pid namespace ("pid:[4026531836]"), or 0 when /proc does not say.</summary>
    private static ulong ReadPidNamespace()
    {
        try
        {
            string? target = new FileInfo("/proc/self/ns/pid").LinkTarget;
            int open = target?.IndexOf('[') ?? -1;
            int close = target?.IndexOf(']') ?? -1;
            return open >= 0 && close > open &&
                ulong.TryParse(target.AsSpan(open + 1, close - open - 1), NumberStyles.None, CultureInfo.InvariantCulture, out ulong inode)
                ? inode
                : 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    private static long ReadStartTime(int pid) => TryReadStat(pid, out _, out long startTime) ? startTime : 0;

    private static bool TryReadStat(int pid, out char state, out long startTime)
    {
        state = '?';
        startTime = 0;
        string text;
        try
        {
            text = File.ReadAllText(string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}/stat"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
        // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'.
        int close = text.LastIndexOf(')');
        if (close < 0)
        {
            return false;
        }
        string[] fields = text[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        const int startTimeIndex = 19; // field 22 overall; fields[0] is field 3 (state)
        if (fields.Length <= startTimeIndex || fields[0].Length != 1 ||
            !long.TryParse(fields[startTimeIndex], NumberStyles.None, CultureInfo.InvariantCulture, out startTime))
        {
            return false;
        }
        state = fields[0][0];
        return true;
    }
}
