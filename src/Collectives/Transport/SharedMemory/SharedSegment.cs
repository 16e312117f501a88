using System.Globalization;

namespace Collectives.Transport.SharedMemory;

/// <summary>
/// A file in /dev/shm mapped shared into this process. The file may be unlinked while mapped
/// (the pages live until the last mapping goes); the mapping is released once, by
/// <see cref="Dispose"/>. Pages are only backed when first touched, so a large ring costs
/// memory only for what it carries.
/// </summary>
internal sealed unsafe class SharedSegment : IDisposable
{
    private byte* _base;
    private int _unlinked;

    private SharedSegment(string path, byte* address, long length)
    {
        Path = path;
        _base = address;
        Length = length;
    }

    public string Path { get; }

    public long Length { get; }

    /// <summary>Start of the mapping; valid until <see cref="Dispose"/>.</summary>
    public byte* Base => _base;

    /// <summary>Creates the file (owner-only, failing if it exists), sizes it and maps it.</summary>
    public static SharedSegment Create(string path, long length)
    {
        int fd = LibC.Open(path, LibC.ReadWrite | LibC.Create | LibC.Exclusive | LibC.CloseOnExec, Convert.ToInt32("600", 8));
        if (fd < 0)
        {
            string error = LibC.LastErrorText(out int errno);
            throw new IOException(errno == LibC.ErrorExists
                ? $"The shared-memory segment {path} already exists: this link was made twice, or another process took its name."
                : $"Cannot create the shared-memory segment {path}: {error}.");
        }
        try
        {
            if (LibC.FTruncate(fd, length) != 0)
            {
                throw new IOException(string.Create(CultureInfo.InvariantCulture,
                    $"Cannot size the shared-memory segment {path} to {length} bytes: {LibC.LastErrorText(out _)}. Is /dev/shm full?"));
            }
            return new SharedSegment(path, Map(fd, path, length), length);
        }
        catch
        {
            LibC.Unlink(path);
            throw;
        }
        finally
        {
            LibC.Close(fd);
        }
    }

    /// <summary>
    /// Opens and maps an existing segment. Null when it does not exist yet, or exists but is not
    /// yet sized to <paramref name="minimumLength"/> (its creator is between create and truncate).
    /// </summary>
    public static SharedSegment? TryOpen(string path, long minimumLength)
    {
        int fd = LibC.Open(path, LibC.ReadWrite | LibC.CloseOnExec, 0);
        if (fd < 0)
        {
            string error = LibC.LastErrorText(out int errno);
            return errno == LibC.ErrorNoEntry ? null : throw new IOException($"Cannot open the shared-memory segment {path}: {error}.");
        }
        try
        {
            long length = LibC.LSeek(fd, 0, LibC.SeekEnd);
            if (length < minimumLength)
            {
                return null;
            }
            return new SharedSegment(path, Map(fd, path, length), length);
        }
        finally
        {
            LibC.Close(fd);
        }
    }

    /// <summary>Removes the name; mappings stay valid. Idempotent.</summary>
    public void Unlink()
    {
        if (Interlocked.Exchange(ref _unlinked, 1) == 0)
        {
            LibC.Unlink(Path);
        }
    }

    public void Dispose()
    {
        byte* address = _base;
        if (address != null)
        {
            _base = null;
            LibC.MUnmap(address, (nuint)Length);
        }
    }

    private static byte* Map(int fd, string path, long length)
    {
        void* address = LibC.MMap(null, (nuint)length, LibC.ProtectRead | LibC.ProtectWrite, LibC.MapShared, fd, 0);
        if (address == (void*)-1)
        {
            throw new IOException(string.Create(CultureInfo.InvariantCulture,
                $"Cannot map the shared-memory segment {path} ({length} bytes): {LibC.LastErrorText(out _)}."));
        }
        return (byte*)address;
    }
}
