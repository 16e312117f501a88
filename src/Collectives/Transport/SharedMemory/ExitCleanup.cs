using System.Collections.Concurrent;

namespace Collectives.Transport.SharedMemory;

/// <summary>
/// Removes this process's doorbell segments when it exits without disposing its transports
/// (a killed process leaves them to the next start's <see cref="StaleSegmentCleaner"/>).
/// </summary>
internal static class ExitCleanup
{
    private static readonly ConcurrentDictionary<string, byte> Paths = new();
    private static int _hooked;

    public static void Add(string path)
    {
        if (Interlocked.Exchange(ref _hooked, 1) == 0)
        {
            AppDomain.CurrentDomain.ProcessExit += static (_, _) =>
            {
                foreach (string path in Paths.Keys)
                {
                    LibC.Unlink(path);
                }
            };
        }
        Paths[path] = 0;
    }

    public static void Remove(string path) => Paths.TryRemove(path, out _);
}
