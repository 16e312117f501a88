using Collectives.Bootstrap;

namespace Collectives.Tests.Bootstrap;

/// <summary>What only the file store does: key-to-file mapping, atomic replacement, its lock, its directory.</summary>
public sealed class FileStoreTests : IDisposable
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "collectives-test-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void CreatesItsDirectoryPrivateToThisUser()
    {
        _ = new FileStore(_directory, Long);
        Assert.True(Directory.Exists(_directory));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_directory));
        }
    }

    [Fact]
    public async Task KeysThatLookLikePathsStayInsideTheDirectoryAndApart()
    {
        var store = new FileStore(_directory, Long);
        string[] keys = ["a/b", "a_b", "../escape", "..", ".", "/etc/passwd", "a\\b", "x\0y", "Ä", "A"];
        for (int i = 0; i < keys.Length; i++)
        {
            await store.SetAsync(keys[i], new[] { (byte)i });
        }
        for (int i = 0; i < keys.Length; i++)
        {
            Assert.Equal(new[] { (byte)i }, await store.GetAsync(keys[i]));
            Assert.Equal(_directory, Path.GetDirectoryName(store.PathOf(keys[i])));
        }
        Assert.Equal(keys.Length, Directory.GetFiles(_directory).Length);
        Assert.Equal("file://" + _directory, store.Address);
    }

    [Fact]
    public async Task ReadersNeverSeeAHalfWrittenValue()
    {
        var writer = new FileStore(_directory, Long);
        var reader = new FileStore(_directory, Long);
        byte[] a = Enumerable.Repeat((byte)'a', 1 << 20).ToArray();
        byte[] b = Enumerable.Repeat((byte)'b', 1 << 20).ToArray();
        await writer.SetAsync("v", a);
        Task writing = Task.Run(async () =>
        {
            for (int i = 0; i < 30; i++)
            {
                await writer.SetAsync("v", i % 2 == 0 ? b : a);
            }
        });
        while (!writing.IsCompleted)
        {
            byte[] seen = await reader.GetAsync("v");
            Assert.True(seen.AsSpan().SequenceEqual(a) || seen.AsSpan().SequenceEqual(b), "a reader saw a mixed or partial value");
        }
        await writing;
        Assert.Empty(Directory.GetFiles(_directory, ".tmp-*"));
    }

    [Fact]
    public async Task ACounterLockHeldElsewhereMakesAddWaitAndTimeOutNamingTheCounter()
    {
        var store = new FileStore(_directory, TimeSpan.FromMilliseconds(200));
        await store.AddAsync("c", 1);
        string lockPath = store.PathOf("c") + ".lock";
        using (new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            var error = await Assert.ThrowsAsync<StoreTimeoutException>(() => store.AddAsync("c", 1).WaitAsync(Long));
            Assert.Contains("the lock of counter 'c'", error.Message);
        }
        Assert.Equal(2, await store.AddAsync("c", 1)); // released with its holder
    }
}
