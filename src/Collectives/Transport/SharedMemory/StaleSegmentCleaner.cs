using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace Collectives.Transport.SharedMemory;

/// <summary>
/// Removes segments that crashed processes left in /dev/shm: those whose owner (the pid and start
/// time in the preamble) is gone, and unreadable leftovers older than a grace period. Segments
/// of live processes, of any job, are never touched.
/// </summary>
internal static class StaleSegmentCleaner
{
    /// <summary>Removes every stale segment under <paramref name="directory"/>; returns how many.</summary>
    public static int Clean(string directory)
    {
        int removed = 0;
        IEnumerable<string> paths;
        try
        {
            paths = Directory.EnumerateFiles(directory, SegmentNames.Prefix + "*");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
        foreach (string path in paths)
        {
            try
            {
                if (IsStale(path))
                {
                    File.Delete(path);
                    removed++;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another user's segment, or one removed meanwhile: not ours to clean.
            }
        }
        return removed;
    }

    private static bool IsStale(string path)
    {
        Span<byte> preamble = stackalloc byte[SegmentLayout.PreambleBytes];
        int read;
        using (SafeFileHandle file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            read = RandomAccess.Read(file, preamble, 0);
        }
        ulong magic = BinaryPrimitives.ReadUInt64LittleEndian(preamble);
        if (read < preamble.Length || magic is not (SegmentLayout.PairMagic or SegmentLayout.DoorbellMagic))
        {
            // Its creator writes the magic last; give a live one time to finish.
            return DateTime.UtcNow - File.GetLastWriteTimeUtc(path) > SharedMemoryTuning.MalformedSegmentGrace;
        }
        var owner = new ProcessIdentity(
            BinaryPrimitives.ReadInt32LittleEndian(preamble[SegmentLayout.OwnerPidOffset..]),
            BinaryPrimitives.ReadInt64LittleEndian(preamble[SegmentLayout.OwnerStartTimeOffset..]),
            BinaryPrimitives.ReadUInt64LittleEndian(preamble[SegmentLayout.OwnerPidNamespaceOffset..]));
        return !owner.IsAlive();
    }
}
