using System.Security.Cryptography;
using System.Text;

namespace Collectives.Bootstrap;

/// <summary>
/// A rendezvous store in a directory every rank of a one-host job sees (mpirun without a
/// rendezvous address uses /tmp/collectives-&lt;job id&gt;). One file per key: a set writes a
/// temporary file and renames it over the key's (atomic), an add holds an exclusive lock on the
/// key's lock file (released by the kernel if its holder dies), and waits poll with capped
/// exponential backoff, each with the store's deadline. Files only: no process serves it.
/// </summary>
public sealed class FileStore : IRendezvousStore
{
    private const string TempPrefix = ".tmp-";
    private const string LockSuffix = ".lock";

    /// <summary>Readable part of a key's file name, before the hash that makes it unique.</summary>
    private const int ReadableNameLength = 64;

    /// <param name="directory">The store's directory; created (private to this user) when missing.</param>
    /// <param name="timeout">The deadline of every wait.</param>
    public FileStore(string directory, TimeSpan timeout)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        Directory = Path.GetFullPath(directory);
        Timeout = timeout;
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(Directory);
        }
        else
        {
            System.IO.Directory.CreateDirectory(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    public string Directory { get; }

    public string Address => "file://" + Directory;

    public TimeSpan Timeout { get; }

    public async Task SetAsync(string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default)
    {
        StoreKeys.Validate(key);
        StoreKeys.ValidateValue(value);
        await WriteAtomicallyAsync(PathOf(key), value, cancellationToken).ConfigureAwait(false);
    }

    public async Task<byte[]> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        StoreKeys.Validate(key);
        string path = PathOf(key);
        var deadline = StoreDeadline.Start(Timeout);
        var backoff = new Backoff();
        while (true)
        {
            byte[]? value = await TryReadAsync(path, cancellationToken).ConfigureAwait(false);
            if (value is not null)
            {
                return value;
            }
            await PauseAsync(backoff, deadline, [key], cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<long> AddAsync(string key, long delta, CancellationToken cancellationToken = default)
    {
        StoreKeys.Validate(key);
        string path = PathOf(key);
        var deadline = StoreDeadline.Start(Timeout);
        var backoff = new Backoff();
        while (true)
        {
            FileStream? lockFile = TryLock(path + LockSuffix);
            if (lockFile is not null)
            {
                await using (lockFile.ConfigureAwait(false))
                {
                    byte[]? current = await TryReadAsync(path, cancellationToken).ConfigureAwait(false);
                    long result = StoreCounter.Add(key, current, current is not null, delta);
                    await WriteAtomicallyAsync(path, StoreCounter.Format(result), cancellationToken).ConfigureAwait(false);
                    return result;
                }
            }
            await PauseAsync(backoff, deadline, [key], cancellationToken, () => new StoreTimeoutException(
                $"Waited {Timeout} for the lock of counter '{key}' in the file store at {Address}; another process holds it " +
                "(a rank stuck inside an add?).", Address, [key], Timeout)).ConfigureAwait(false);
        }
    }

    public async Task WaitAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        StoreKeys.ValidateAll(keys);
        var deadline = StoreDeadline.Start(Timeout);
        var backoff = new Backoff();
        while (true)
        {
            List<string> missing = keys.Where(k => !File.Exists(PathOf(k))).Distinct(StringComparer.Ordinal).ToList();
            if (missing.Count == 0)
            {
                return;
            }
            await PauseAsync(backoff, deadline, missing, cancellationToken).ConfigureAwait(false);
        }
    }

    public Task<bool> CheckAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        StoreKeys.ValidateAll(keys);
        return Task.FromResult(keys.All(k => File.Exists(PathOf(k))));
    }

    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        StoreKeys.Validate(key);
        string path = PathOf(key);
        bool existed = File.Exists(path);
        File.Delete(path);
        return Task.FromResult(existed);
    }

    /// <summary>Nothing to release: the files stay for ranks still reading them (the directory is the job's to remove).</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>
    /// The file of a key: a readable prefix (for whoever lists the directory) and a hash of the
    /// whole key (so distinct keys never share a file, whatever characters they hold).
    /// </summary>
    internal string PathOf(string key)
    {
        var readable = new StringBuilder(ReadableNameLength);
        foreach (char c in key.AsSpan(0, Math.Min(key.Length, ReadableNameLength)))
        {
            readable.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_');
        }
        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..24];
        return Path.Combine(Directory, $"{readable}.{hash}");
    }

    private async Task WriteAtomicallyAsync(string path, ReadOnlyMemory<byte> value, CancellationToken cancellationToken)
    {
        string temp = Path.Combine(Directory, TempPrefix + Guid.NewGuid().ToString("N"));
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1, useAsync: false))
            {
                await file.WriteAsync(value, cancellationToken).ConfigureAwait(false);
            }
            File.Move(temp, path, overwrite: true); // rename(2): readers see the old file or the new one, never half of one
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>The file's bytes, or null when it does not exist (yet).</summary>
    private static async Task<byte[]?> TryReadAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1, useAsync: false);
            if (file.Length > StoreTuning.MaxValueBytes)
            {
                throw new InvalidDataException($"Store file {path} holds {file.Length} bytes, more than any value ({StoreTuning.MaxValueBytes}); was it written by something else?");
            }
            byte[] value = new byte[file.Length];
            await file.ReadExactlyAsync(value, cancellationToken).ConfigureAwait(false);
            return value;
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>An exclusive lock (flock on Unix: released when its holder exits, even by a crash), or null when another holds it.</summary>
    private static FileStream? TryLock(string path)
    {
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 1, useAsync: false);
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            return null;
        }
    }

    private async Task PauseAsync(Backoff backoff, StoreDeadline deadline, IReadOnlyList<string> missing, CancellationToken cancellationToken,
        Func<StoreTimeoutException>? timeout = null)
    {
        if (deadline.Expired)
        {
            throw timeout?.Invoke() ?? StoreTimeoutException.For(Address, missing, Timeout);
        }
        TimeSpan pause = backoff.Next();
        await Task.Delay(pause < deadline.Remaining ? pause : deadline.Remaining, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Poll pauses: from <see cref="StoreTuning.FilePollStart"/>, doubling, up to <see cref="StoreTuning.FilePollCap"/>.</summary>
    private sealed class Backoff
    {
        private TimeSpan _next = StoreTuning.FilePollStart;

        public TimeSpan Next()
        {
            TimeSpan pause = _next;
            _next = _next * 2 < StoreTuning.FilePollCap ? _next * 2 : StoreTuning.FilePollCap;
            return pause;
        }
    }
}
